package io.sluice.protocol.schema;

/** An inclusive range of versions; parsed from "3+", "1-7", "4" or "none". */
public record VersionRange(short lowest, short highest) {
    public static final VersionRange NONE = new VersionRange((short) 1, (short) 0);
    public static final VersionRange ALL = new VersionRange((short) 0, Short.MAX_VALUE);

    public static VersionRange parse(String text) {
        String t = text.trim();
        if (t.equals("none")) {
            return NONE;
        }
        if (t.endsWith("+")) {
            return new VersionRange(Short.parseShort(t.substring(0, t.length() - 1)), Short.MAX_VALUE);
        }
        int dash = t.indexOf('-');
        if (dash > 0) {
            return new VersionRange(Short.parseShort(t.substring(0, dash)), Short.parseShort(t.substring(dash + 1)));
        }
        short v = Short.parseShort(t);
        return new VersionRange(v, v);
    }

    public boolean contains(short version) {
        return version >= lowest && version <= highest;
    }

    public boolean isEmpty() {
        return lowest > highest;
    }

    public VersionRange intersect(VersionRange other) {
        return new VersionRange((short) Math.max(lowest, other.lowest), (short) Math.min(highest, other.highest));
    }

    @Override
    public String toString() {
        if (isEmpty()) {
            return "none";
        }
        if (highest == Short.MAX_VALUE) {
            return lowest + "+";
        }
        return lowest == highest ? Short.toString(lowest) : lowest + "-" + highest;
    }
}
