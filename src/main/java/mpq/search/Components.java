package mpq.search;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Indices 0..n−1 joined by groups (union–find): the connected parts, each in index order, ordered by first index. */
final class Components {
    private Components() {}

    static List<int[]> of(int n, List<int[]> groups) {
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
        for (int[] g : groups) {
            for (int i : g) {
                parent[root(parent, i)] = root(parent, g[0]);
            }
        }
        Map<Integer, List<Integer>> byRoot = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            byRoot.computeIfAbsent(root(parent, i), k -> new ArrayList<>()).add(i);
        }
        List<int[]> out = new ArrayList<>();
        for (List<Integer> c : byRoot.values()) {
            out.add(c.stream().mapToInt(Integer::intValue).toArray());
        }
        return out;
    }

    private static int root(int[] parent, int i) {
        while (parent[i] != i) {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        return i;
    }
}
