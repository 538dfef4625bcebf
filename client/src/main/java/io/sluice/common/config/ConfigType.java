package io.sluice.common.config;

/** Value types of configuration entries, with Kafka's DescribeConfigs type ids. */
public enum ConfigType {
    BOOLEAN(1), STRING(2), INT(3), SHORT(4), LONG(5), DOUBLE(6), LIST(7), CLASS(8), PASSWORD(9);

    public final byte describeConfigsId;

    ConfigType(int id) {
        this.describeConfigsId = (byte) id;
    }
}
