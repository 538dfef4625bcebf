/**
 * The Kafka wire protocol: API keys and the version ranges Sluice implements, request and response headers,
 * framing of whole requests and responses ({@link io.sluice.protocol.ApiCodec}), bounds-checked primitive
 * readers and writers. Messages themselves are records in {@code io.sluice.protocol.message}, described by
 * annotations and encoded generically by {@code io.sluice.protocol.schema}. Uses only the JDK.
 */
package io.sluice.protocol;
