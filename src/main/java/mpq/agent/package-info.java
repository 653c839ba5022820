/**
 * Reinforcement learning on mpq's own autodiff: small multilayer perceptrons ({@link mpq.agent.Mlp}, graphs run and
 * differentiated by {@code mpq.graph.exec.Backprop}, trained with {@code mpq.tensor.Adam}) and the DDPG agent
 * ({@link mpq.agent.Ddpg}) that HAQ's allocator drives.
 */
package mpq.agent;
