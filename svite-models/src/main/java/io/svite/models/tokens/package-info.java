/**
 * SViTE+ data sparsity: a learnable {@link io.svite.models.tokens.TokenSelector} that keeps the k
 * most useful patch tokens of each image and removes the others from the sequence, its settings
 * ({@link io.svite.models.tokens.TokenSelection}) and the temperature schedule of its Gumbel top-k
 * training ({@link io.svite.models.tokens.TemperatureSchedule}, {@link
 * io.svite.models.tokens.TemperatureListener}).
 */
package io.svite.models.tokens;
