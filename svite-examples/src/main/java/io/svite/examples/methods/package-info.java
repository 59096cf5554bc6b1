/**
 * The training methods of the command line: dense, SViTE and (as they land) S2ViTE and the baselines,
 * each a {@link io.svite.examples.train.TrainingMethod} built from the library's plug points.
 */
package io.svite.examples.methods;
