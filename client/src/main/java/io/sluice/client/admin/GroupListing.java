package io.sluice.client.admin;

/** A group as ListGroups reports it; {@code state} is "" from brokers older than ListGroups v4. Immutable. */
public record GroupListing(String groupId, String protocolType, String state) {
}
