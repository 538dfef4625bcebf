package io.sluice.common.config;

/** A configuration value that is missing, malformed or outside its allowed range. The message names the key. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String key, Object value, String rule) {
        super("Invalid value '" + value + "' for configuration " + key + ": " + rule);
    }
}
