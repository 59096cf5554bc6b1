/** Vision transformer models. */
package io.svite.models;
