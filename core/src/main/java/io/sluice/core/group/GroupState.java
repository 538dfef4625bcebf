package io.sluice.core.group;

import java.util.Locale;
import java.util.Optional;

/**
 * The states of a classic group (design doc 6.1) with the names DescribeGroups and ListGroups report.
 *
 * <pre>
 * Empty ──first join──► PreparingRebalance ──join phase done, members──► CompletingRebalance ──leader's
 *   ▲                      │  ▲                                              │   assignment stored──► Stable
 *   └──everyone left───────┘  └──member joined/left/expired, sync timeout────┴─────────────────────────┘
 * any ──DeleteGroups / all offsets of an empty group expired──► Dead (removed)
 * </pre>
 */
public enum GroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    private final String protocolName;

    GroupState(String protocolName) {
        this.protocolName = protocolName;
    }

    /** The name on the wire ("Empty", "PreparingRebalance", ...). */
    public String protocolName() {
        return protocolName;
    }

    /** The state with this wire name, ignoring case (ListGroups filters are matched that way). */
    public static Optional<GroupState> parse(String name) {
        for (GroupState s : values()) {
            if (s.protocolName.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
