/** Serializer and Deserializer, with the built-in ones in {@link io.sluice.client.serialization.Serdes}. */
package io.sluice.client.serialization;
