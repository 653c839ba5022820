package mpq.agent;

import java.util.SplittableRandom;
import mpq.tensor.Tensor;

/**
 * Deep deterministic policy gradient (Lillicrap et al.) for one continuous action in [0, 1]: an actor μ(s) (MLP ending
 * in a sigmoid) and a critic Q(s, a) (MLP over the state with the action appended), each with a target copy that
 * follows it slowly (τ), and a replay memory of transitions. {@link #update} takes one minibatch: the critic towards
 * r + γ·Q'(s', μ'(s')) (0 after a terminal step), the actor up the critic's gradient in a, then both targets follow.
 * Exploration is the caller's (HAQ adds truncated normal noise to {@link #act}).
 */
public final class Ddpg implements AutoCloseable {
    /**
     * @param hidden   hidden widths of both networks
     * @param memory   transitions kept (the oldest are replaced)
     */
    public record Settings(int[] hidden, double actorLr, double criticLr, double tau, double discount, int batch,
                           int memory) {
        /** HAQ's (with 300-wide hidden layers): learning rates 1e-4 (actor) and 1e-3 (critic), τ 0.01, γ 1, batch 64. */
        public static Settings haq(int width) {
            return new Settings(new int[] {width, width}, 1e-4, 1e-3, 0.01, 1.0, 64, 2000);
        }
    }

    private final int stateSize;
    private final Settings settings;
    private final Mlp actor, critic, actorTarget, criticTarget;
    private final SplittableRandom rnd;
    private final float[][] states, nextStates;
    private final float[] actions, rewards;
    private final boolean[] terminal;
    private int stored, next;

    public Ddpg(int stateSize, Settings settings, long seed) {
        this.stateSize = stateSize;
        this.settings = settings;
        this.rnd = new SplittableRandom(seed);
        actor = new Mlp(stateSize, settings.hidden(), 1, true, 3e-3, settings.actorLr(), rnd.split());
        critic = new Mlp(stateSize + 1, settings.hidden(), 1, false, 3e-3, settings.criticLr(), rnd.split());
        actorTarget = new Mlp(stateSize, settings.hidden(), 1, true, 3e-3, settings.actorLr(), rnd.split());
        criticTarget = new Mlp(stateSize + 1, settings.hidden(), 1, false, 3e-3, settings.criticLr(), rnd.split());
        actorTarget.follow(actor, 1);
        criticTarget.follow(critic, 1);
        states = new float[settings.memory()][];
        nextStates = new float[settings.memory()][];
        actions = new float[settings.memory()];
        rewards = new float[settings.memory()];
        terminal = new boolean[settings.memory()];
    }

    /** The actor's action for a state, in [0, 1]. */
    public double act(float[] state) {
        return actor.forward(new Tensor(new int[] {1, stateSize}, state.clone())).data()[0];
    }

    public void remember(float[] state, double action, double reward, float[] nextState, boolean done) {
        states[next] = state.clone();
        nextStates[next] = nextState.clone();
        actions[next] = (float) action;
        rewards[next] = (float) reward;
        terminal[next] = done;
        next = (next + 1) % states.length;
        stored = Math.min(stored + 1, states.length);
    }

    public int stored() {
        return stored;
    }

    /** One minibatch step of the critic and the actor, then the targets follow; no-op until a batch is stored. */
    public void update() {
        int b = settings.batch();
        if (stored < b) {
            return;
        }
        int[] pick = new int[b];
        for (int i = 0; i < b; i++) {
            pick[i] = rnd.nextInt(stored);
        }
        Tensor s = rows(pick, states), s2 = rows(pick, nextStates);
        float[] next = actorTarget.forward(s2).data();
        float[] q2 = criticTarget.forward(withAction(s2, next)).data();
        float[] target = new float[b];
        for (int i = 0; i < b; i++) {
            target[i] = (float) (rewards[pick[i]] + (terminal[pick[i]] ? 0 : settings.discount() * q2[i]));
        }
        float[] taken = new float[b];
        for (int i = 0; i < b; i++) {
            taken[i] = actions[pick[i]];
        }
        float[] q = critic.forward(withAction(s, taken)).data();
        float[] dq = new float[b];   // d/dQ of the mean squared error
        for (int i = 0; i < b; i++) {
            dq[i] = 2 * (q[i] - target[i]) / b;
        }
        critic.backward(new Tensor(new int[] {b, 1}, dq));
        critic.step();

        float[] a = actor.forward(s).data().clone();
        critic.forward(withAction(s, a));
        float[] up = new float[b];
        java.util.Arrays.fill(up, -1f / b);   // maximise the mean Q: descend −Q
        float[] dInput = critic.backward(new Tensor(new int[] {b, 1}, up)).data();
        float[] da = new float[b];
        for (int i = 0; i < b; i++) {
            da[i] = dInput[i * (stateSize + 1) + stateSize];
        }
        actor.backward(new Tensor(new int[] {b, 1}, da));
        actor.step();   // the critic's gradients from this pass are left unused

        actorTarget.follow(actor, settings.tau());
        criticTarget.follow(critic, settings.tau());
    }

    private Tensor rows(int[] pick, float[][] from) {
        float[] d = new float[pick.length * stateSize];
        for (int i = 0; i < pick.length; i++) {
            System.arraycopy(from[pick[i]], 0, d, i * stateSize, stateSize);
        }
        return new Tensor(new int[] {pick.length, stateSize}, d);
    }

    private Tensor withAction(Tensor s, float[] a) {
        int b = a.length;
        float[] d = new float[b * (stateSize + 1)];
        float[] sd = s.data();
        for (int i = 0; i < b; i++) {
            System.arraycopy(sd, i * stateSize, d, i * (stateSize + 1), stateSize);
            d[i * (stateSize + 1) + stateSize] = a[i];
        }
        return new Tensor(new int[] {b, stateSize + 1}, d);
    }

    @Override
    public void close() {
        actor.close();
        critic.close();
        actorTarget.close();
        criticTarget.close();
    }
}
