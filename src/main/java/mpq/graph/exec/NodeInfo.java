package mpq.graph.exec;

import java.util.List;
import mpq.graph.Node;

/**
 * What planning learned about one node: its input and output shapes, its parameter count (elements of its
 * initializer inputs), its multiply-accumulates, and whether it was folded into a constant.
 */
public record NodeInfo(Node node, List<int[]> inputShapes, List<int[]> outputShapes, long params, long macs,
                       boolean folded) {
}
