/**
 * The schema-driven codec. A message is described once, as a Java record whose components are its fields in
 * wire order, annotated with the versions they exist in ({@link io.sluice.protocol.schema.Versions}), may be
 * null in ({@link io.sluice.protocol.schema.NullableVersions}), their tag
 * ({@link io.sluice.protocol.schema.Tagged}) and their default ({@link io.sluice.protocol.schema.Default}).
 * {@link io.sluice.protocol.schema.MessageCodec} reads and writes every version from that description; there
 * is no hand-written encoder per message or per version.
 */
package io.sluice.protocol.schema;
