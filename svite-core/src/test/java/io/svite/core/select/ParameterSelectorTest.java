package io.svite.core.select;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.modality.nlp.DefaultVocabulary;
import ai.djl.modality.nlp.embedding.TrainableWordEmbedding;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

class ParameterSelectorTest {

    /** A token scorer: a Linear that must stay dense, declared through the core's marker. */
    static final class Scorer extends AbstractBlock implements KeepDense {
        private final Block linear = addChildBlock("linear", Linear.builder().setUnits(1).build());

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList x, boolean training, PairList<String, Object> p) {
            return linear.forward(ps, x, training);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return linear.getOutputShapes(inputs);
        }

        @Override
        protected void initializeChildBlocks(NDManager m, DataType t, Shape... inputs) {
            linear.initialize(m, t, inputs);
        }
    }

    /** One of everything a vision transformer has, plus an embedding table and a frozen weight. */
    static final class Toy extends AbstractBlock {
        final Block conv = addChildBlock("patch", Conv2d.builder().setKernelShape(new Shape(3, 3)).setFilters(4).build());
        final Block fc = addChildBlock("fc", Linear.builder().setUnits(8).build());
        final Block norm = addChildBlock("norm", LayerNorm.builder().build());
        final Block scorer = addChildBlock("scorer", new Scorer());
        final Block table =
                addChildBlock("table", new TrainableWordEmbedding(new DefaultVocabulary(List.of("a", "b", "c")), 4));

        Toy() {
            addParameter(Parameter.builder().setName("pos").setType(Parameter.Type.OTHER)
                    .optShape(new Shape(1, 8)).optInitializer(new ConstantInitializer(0.1f)).build());
            addParameter(Parameter.builder().setName("frozen").setType(Parameter.Type.WEIGHT)
                    .optShape(new Shape(8, 8)).optInitializer(new ConstantInitializer(0.1f))
                    .optRequiresGrad(false).build());
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList x, boolean training, PairList<String, Object> p) {
            throw new UnsupportedOperationException("selection only");
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return inputs;
        }

        @Override
        protected void initializeChildBlocks(NDManager m, DataType t, Shape... inputs) {
            conv.initialize(m, t, new Shape(1, 3, 8, 8));
            fc.initialize(m, t, new Shape(1, 16));
            norm.initialize(m, t, new Shape(1, 16));
            scorer.initialize(m, t, new Shape(1, 16));
            table.initialize(m, t, new Shape(1));
        }
    }

    private static List<String> names(Map<String, Parameter> selected) {
        return new ArrayList<>(selected.keySet().stream().map(ParameterNames::display).toList());
    }

    @Test
    void theDefaultPicksTrainableTwoAndFourDimensionalWeightsOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            Toy toy = new Toy();
            toy.initialize(m, DataType.FLOAT32, new Shape(1));
            List<String> picked = names(ParameterSelector.weights().select(toy));
            assertEquals(List.of("patch_weight", "fc_weight"), picked);
        }
    }

    @Test
    void usersNarrowAndWidenByLayerOrParameterName() {
        try (NDManager m = NDManager.newBaseManager()) {
            Toy toy = new Toy();
            toy.initialize(m, DataType.FLOAT32, new Shape(1));
            assertEquals(List.of("fc_weight"), names(ParameterSelector.weights().only("fc").select(toy)));
            assertEquals(List.of("patch_weight"), names(ParameterSelector.weights().except("fc_weight").select(toy)));
            assertEquals(
                    List.of("pos", "patch_weight", "fc_weight", "scorer_linear_weight"), // model order
                    names(ParameterSelector.weights().including("scorer_linear", "pos").select(toy)));
        }
    }

    @Test
    void anUnknownLayerIsAnErrorThatListsTheLayers() {
        try (NDManager m = NDManager.newBaseManager()) {
            Toy toy = new Toy();
            toy.initialize(m, DataType.FLOAT32, new Shape(1));
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> ParameterSelector.weights().only("fc9").select(toy));
            assertTrue(e.getMessage().contains("unknown layer 'fc9'") && e.getMessage().contains("patch"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ParameterSelector.weights().only("norm").select(toy));
            assertTrue(e.getMessage().contains("'norm'") && e.getMessage().contains("including"), e.getMessage());
            // names are checked without shapes, before any initialisation
            assertThrows(IllegalArgumentException.class, () -> ParameterSelector.weights().except("nope").checkNames(new Toy()));
        }
    }
}
