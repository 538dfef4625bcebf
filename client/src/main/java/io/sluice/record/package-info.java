/**
 * The record format: RecordBatch v2 (magic 2) with CRC-32C, records with headers, the five compression
 * codecs, control batches, and a batch builder for producers. Uses the JDK and the codec libraries only.
 */
package io.sluice.record;
