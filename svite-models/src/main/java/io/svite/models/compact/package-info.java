/**
 * Turning a structurally sparse (gated) DeiT into a smaller dense one, and the arithmetic of
 * structured budgets (how many heads and MLP neurons each block keeps).
 */
package io.svite.models.compact;
