/** Saving and loading models together with their architecture. */
package io.svite.models.io;
