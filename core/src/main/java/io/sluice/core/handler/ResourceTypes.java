package io.sluice.core.handler;

/** Config resource type ids of DescribeConfigs, AlterConfigs and IncrementalAlterConfigs. */
final class ResourceTypes {
    static final byte TOPIC = 2;
    static final byte BROKER = 4;
    static final byte BROKER_LOGGER = 8;
    static final byte CLIENT_METRICS = 16;
    static final byte GROUP = 32;

    /** What AlterConfigs/IncrementalAlterConfigs say to a BROKER resource. */
    static final String DYNAMIC_BROKER_CONFIG_UNSUPPORTED =
        "dynamic broker configuration is not supported; edit server.properties and restart";

    private ResourceTypes() {
    }

    static String name(byte type) {
        return switch (type) {
            case TOPIC -> "TOPIC";
            case BROKER -> "BROKER";
            case BROKER_LOGGER -> "BROKER_LOGGER";
            case CLIENT_METRICS -> "CLIENT_METRICS";
            case GROUP -> "GROUP";
            default -> "type " + type;
        };
    }
}
