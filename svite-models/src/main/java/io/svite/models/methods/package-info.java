/**
 * The training methods on a DeiT — dense, SViTE (with SViTE+ token selection through the
 * recipe), S2ViTE and the baselines OMP, GMP, Taylor pruning, SSP, Small-Dense, VTP and ViT-Slim —
 * each a {@link io.svite.models.methods.TrainingMethod} with its phases and its {@link
 * io.svite.models.methods.MethodPlan plan}, the recipes they train with, and the registry that puts
 * each at a parameter budget ({@link io.svite.models.methods.Methods}). {@code io.svite.models.run}
 * executes them.
 */
package io.svite.models.methods;
