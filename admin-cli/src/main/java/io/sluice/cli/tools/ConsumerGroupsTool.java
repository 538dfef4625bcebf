package io.sluice.cli.tools;

import io.sluice.cli.common.ExitCodes;
import io.sluice.cli.common.TextTable;
import io.sluice.cli.common.ToolCommand;
import io.sluice.cli.common.ToolException;
import io.sluice.cli.common.ToolRunner;
import io.sluice.cli.tools.ToolSupport.ConnectionOptions;
import io.sluice.client.admin.GroupDescription;
import io.sluice.client.admin.GroupListing;
import io.sluice.client.admin.ListedOffset;
import io.sluice.client.admin.OffsetSpec;
import io.sluice.client.admin.SluiceAdmin;
import io.sluice.client.admin.TopicDescription;
import io.sluice.common.TopicPartition;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bin/consumer-groups.sh}: lists, describes, resets the offsets of and deletes consumer groups. */
@Command(name = "consumer-groups.sh", sortOptions = false,
    description = "Lists, describes, resets the offsets of and deletes consumer groups.")
public final class ConsumerGroupsTool extends ToolCommand {
    static final List<String> OFFSETS_HEADER = List.of("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET",
        "LAG", "CONSUMER-ID", "HOST", "CLIENT-ID");
    static final List<String> MEMBERS_HEADER = List.of("GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS");
    static final List<String> STATE_HEADER = List.of("GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE",
        "#MEMBERS");
    static final List<String> RESET_HEADER = List.of("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET");

    @Mixin
    ConnectionOptions connection;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Action action;

    static final class Action {
        @Option(names = "--list", description = "List all consumer groups.")
        boolean list;
        @Option(names = "--describe", description = "Describe --group: offsets and lag (default), --members or --state.")
        boolean describe;
        @Option(names = "--reset-offsets", description = "Reset the committed offsets of --group (the group must be inactive).")
        boolean reset;
        @Option(names = "--delete", description = "Delete --group (it must have no members).")
        boolean delete;
    }

    @Option(names = "--group", paramLabel = "GROUP", description = "The consumer group.")
    String group;
    @Option(names = "--members", description = "With --describe: the members and their partition counts.")
    boolean members;
    @Option(names = "--state", description = "With --describe: the coordinator, assignor, state and member count.")
    boolean state;
    @Option(names = "--offsets", description = "With --describe: offsets and lag (the default).")
    boolean offsets;

    @Option(names = "--topic", paramLabel = "TOPIC[:P,...]", description = "With --reset-offsets: a topic, optionally "
        + "with partitions; repeatable.")
    List<String> topics;
    @Option(names = "--all-topics", description = "With --reset-offsets: every topic the group has offsets for.")
    boolean allTopics;

    @ArgGroup(exclusive = true)
    ResetSpec resetSpec;

    static final class ResetSpec {
        @Option(names = "--to-earliest", description = "Reset to the earliest offset.")
        boolean toEarliest;
        @Option(names = "--to-latest", description = "Reset to the latest offset.")
        boolean toLatest;
        @Option(names = "--to-current", description = "Reset to the current committed offset.")
        boolean toCurrent;
        @Option(names = "--to-offset", paramLabel = "N", description = "Reset to offset N (clamped to the log).")
        Long toOffset;
        @Option(names = "--shift-by", paramLabel = "N", description = "Move the committed offset by N (may be negative).")
        Long shiftBy;
        @Option(names = "--to-datetime", paramLabel = "YYYY-MM-DDTHH:mm:SS.sss",
            description = "Reset to the first offset at or after this time (local time unless a zone offset is given).")
        String toDatetime;
        @Option(names = "--by-duration", paramLabel = "PnDTnHnMnS", description = "Reset to this long ago.")
        String byDuration;
    }

    @Option(names = "--dry-run", description = "With --reset-offsets: only print the new offsets (the default).")
    boolean dryRun;
    @Option(names = "--execute", description = "With --reset-offsets: commit the new offsets.")
    boolean execute;

    public static void main(String[] args) {
        ToolRunner.main(new ConsumerGroupsTool(), args);
    }

    @Override
    protected int execute() {
        PrintWriter out = out();
        PrintWriter err = err();
        validate();
        long timeout = connection.timeoutMs();
        try (SluiceAdmin admin = connection.admin()) {
            if (action.list) {
                for (GroupListing g : ToolSupport.await(admin.listConsumerGroups(), timeout)) {
                    out.println(g.groupId());
                }
                return ExitCodes.OK;
            }
            GroupDescription description = ToolSupport.await(admin.describeConsumerGroups(List.of(group)), timeout)
                .get(group);
            boolean exists = description != null && !"Dead".equals(description.state());
            if (action.delete) {
                if (!exists) {
                    throw new ToolException("Consumer group '" + group + "' does not exist.");
                }
                if (!description.members().isEmpty()) {
                    throw new ToolException("Consumer group '" + group + "' cannot be deleted: it has "
                        + description.members().size() + " active member(s) (state " + description.state() + ").");
                }
                ToolSupport.await(admin.deleteConsumerGroups(List.of(group)), timeout);
                out.println("Deletion of requested consumer groups ('" + group + "') was successful.");
            } else if (action.describe) {
                if (!exists) {
                    throw new ToolException("Consumer group '" + group + "' does not exist.");
                }
                describe(admin, description, out, timeout);
            } else {
                if (description != null && !description.members().isEmpty()
                    && !"Empty".equals(description.state()) && !"Dead".equals(description.state())) {
                    throw new ToolException("Assignments can only be reset if the group '" + group
                        + "' is inactive, but the current state is " + description.state() + ".");
                }
                reset(admin, out, err, timeout);
            }
        }
        return ExitCodes.OK;
    }

    private void validate() {
        if (!action.list && (group == null || group.isEmpty())) {
            throw new ToolException("--group is required with " + (action.describe ? "--describe"
                : action.reset ? "--reset-offsets" : "--delete"), ExitCodes.USAGE);
        }
        if ((members ? 1 : 0) + (state ? 1 : 0) + (offsets ? 1 : 0) > 1) {
            throw new ToolException("Only one of --members, --state and --offsets can be given", ExitCodes.USAGE);
        }
        if ((members || state || offsets) && !action.describe) {
            throw new ToolException("--members, --state and --offsets only go with --describe", ExitCodes.USAGE);
        }
        if (action.reset) {
            if (resetSpec == null) {
                throw new ToolException("--reset-offsets needs one of --to-earliest, --to-latest, --to-current, "
                    + "--to-offset, --shift-by, --to-datetime, --by-duration", ExitCodes.USAGE);
            }
            if (allTopics == (topics != null && !topics.isEmpty())) {
                throw new ToolException("--reset-offsets needs either --topic or --all-topics", ExitCodes.USAGE);
            }
            if (dryRun && execute) {
                throw new ToolException("--dry-run and --execute cannot be combined", ExitCodes.USAGE);
            }
            if (resetSpec.toDatetime != null) {
                parseDateTime(resetSpec.toDatetime);
            }
            if (resetSpec.byDuration != null) {
                parseDuration(resetSpec.byDuration);
            }
            if (topics != null) {
                for (String t : topics) {
                    parseTopicPartitions(t);
                }
            }
        } else if (resetSpec != null || topics != null || allTopics || dryRun || execute) {
            throw new ToolException("--topic, --all-topics, --to-*, --shift-by, --by-duration, --dry-run and --execute "
                + "only go with --reset-offsets", ExitCodes.USAGE);
        }
    }

    // ------------------------------------------------------------------ describe

    private void describe(SluiceAdmin admin, GroupDescription g, PrintWriter out, long timeout) {
        if (state) {
            String coordinator = g.coordinator() == null ? "-"
                : g.coordinator().host() + ":" + g.coordinator().port() + " (" + g.coordinator().id() + ")";
            out.println();
            printTable(out, STATE_HEADER, List.of(List.of(group, coordinator, dash(g.protocol()), g.state(),
                Integer.toString(g.members().size()))));
            return;
        }
        if (members) {
            if (g.members().isEmpty()) {
                out.println();
                out.println("Consumer group '" + group + "' has no active members.");
                return;
            }
            List<List<String>> rows = g.members().stream().map(m -> List.of(group, m.memberId(), dash(m.host()),
                dash(m.clientId()), Integer.toString(m.assignment().size()))).toList();
            out.println();
            printTable(out, MEMBERS_HEADER, rows);
            return;
        }
        Map<TopicPartition, Long> committed = ToolSupport.await(admin.listConsumerGroupOffsets(group), timeout);
        Map<TopicPartition, GroupDescription.Member> owners = new HashMap<>();
        for (GroupDescription.Member m : g.members()) {
            for (TopicPartition tp : m.assignment()) {
                owners.put(tp, m);
            }
        }
        Set<TopicPartition> all = new TreeSet<>(committed.keySet());
        all.addAll(owners.keySet());
        Map<TopicPartition, Long> ends = logEndOffsets(admin, all, timeout);
        if (g.members().isEmpty()) {
            out.println();
            out.println("Consumer group '" + group + "' has no active members.");
        }
        out.println();
        printTable(out, OFFSETS_HEADER, offsetRows(group, all, committed, ends, owners, g.members()));
    }

    /**
     * The rows of {@code --describe}: assigned partitions first, by member, then partitions with committed
     * offsets and no owner; members without partitions get a row of dashes.
     */
    static List<List<String>> offsetRows(String group, Set<TopicPartition> partitions, Map<TopicPartition, Long> committed,
                                         Map<TopicPartition, Long> ends, Map<TopicPartition, GroupDescription.Member> owners,
                                         List<GroupDescription.Member> members) {
        List<List<String>> rows = new ArrayList<>();
        for (GroupDescription.Member m : members) {
            if (m.assignment().isEmpty()) {
                rows.add(List.of(group, "-", "-", "-", "-", "-", m.memberId(), dash(m.host()), dash(m.clientId())));
            }
        }
        List<TopicPartition> ordered = new ArrayList<>(partitions);
        ordered.sort((a, b) -> {
            boolean ao = owners.containsKey(a);
            boolean bo = owners.containsKey(b);
            return ao != bo ? (ao ? -1 : 1) : a.compareTo(b);
        });
        for (TopicPartition tp : ordered) {
            Long current = committed.get(tp);
            Long end = ends.get(tp);
            GroupDescription.Member m = owners.get(tp);
            rows.add(List.of(group, tp.topic(), Integer.toString(tp.partition()), current == null ? "-" : current.toString(),
                end == null ? "-" : end.toString(),
                current == null || end == null ? "-" : Long.toString(Math.max(0, end - current)),
                m == null ? "-" : m.memberId(), m == null ? "-" : dash(m.host()), m == null ? "-" : dash(m.clientId())));
        }
        return rows;
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    private static Map<TopicPartition, Long> logEndOffsets(SluiceAdmin admin, Set<TopicPartition> partitions, long timeout) {
        return offsets(admin, partitions, OffsetSpec.latest(), timeout);
    }

    private static Map<TopicPartition, Long> offsets(SluiceAdmin admin, Set<TopicPartition> partitions, OffsetSpec spec,
                                                     long timeout) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> specs = partitions.stream()
            .collect(Collectors.toMap(Function.identity(), tp -> spec, (a, b) -> a, LinkedHashMap::new));
        Map<TopicPartition, ListedOffset> listed = ToolSupport.await(admin.listOffsets(specs), timeout);
        Map<TopicPartition, Long> out = new HashMap<>();
        listed.forEach((tp, o) -> out.put(tp, o.offset()));
        return out;
    }

    // ------------------------------------------------------------------ reset

    private void reset(SluiceAdmin admin, PrintWriter out, PrintWriter err, long timeout) {
        Map<TopicPartition, Long> committed = ToolSupport.await(admin.listConsumerGroupOffsets(group), timeout);
        Set<TopicPartition> scope = new TreeSet<>();
        if (allTopics) {
            scope.addAll(committed.keySet());
        } else {
            Set<String> existing = ToolSupport.await(admin.listTopics(true), timeout);
            for (String text : topics) {
                Map.Entry<String, List<Integer>> tps = parseTopicPartitions(text);
                if (!existing.contains(tps.getKey())) {
                    throw new ToolException("Topic '" + tps.getKey() + "' does not exist");
                }
                TopicDescription t = ToolSupport.await(admin.describeTopics(List.of(tps.getKey())), timeout)
                    .get(tps.getKey());
                int count = t.partitions().size();
                if (tps.getValue().isEmpty()) {
                    for (int p = 0; p < count; p++) {
                        scope.add(new TopicPartition(tps.getKey(), p));
                    }
                } else {
                    for (int p : tps.getValue()) {
                        if (p >= count) {
                            throw new ToolException("Partition " + p + " of topic '" + tps.getKey()
                                + "' does not exist (the topic has " + count + ")");
                        }
                        scope.add(new TopicPartition(tps.getKey(), p));
                    }
                }
            }
        }
        Map<TopicPartition, Long> earliest = offsets(admin, scope, OffsetSpec.earliest(), timeout);
        Map<TopicPartition, Long> latest = offsets(admin, scope, OffsetSpec.latest(), timeout);
        Map<TopicPartition, Long> byTime = Map.of();
        if (resetSpec.toDatetime != null || resetSpec.byDuration != null) {
            long ts = resetSpec.toDatetime != null ? parseDateTime(resetSpec.toDatetime)
                : System.currentTimeMillis() - parseDuration(resetSpec.byDuration).toMillis();
            byTime = offsets(admin, scope, OffsetSpec.forTimestamp(Math.max(0, ts)), timeout);
        }
        Map<TopicPartition, Long> plan = new TreeMap<>();
        for (TopicPartition tp : scope) {
            long lo = earliest.getOrDefault(tp, 0L);
            long hi = latest.getOrDefault(tp, lo);
            Long current = committed.get(tp);
            long target;
            if (resetSpec.toEarliest) {
                target = lo;
            } else if (resetSpec.toLatest) {
                target = hi;
            } else if (resetSpec.toCurrent) {
                target = current != null ? current : hi;
            } else if (resetSpec.toOffset != null) {
                target = resetSpec.toOffset;
            } else if (resetSpec.shiftBy != null) {
                target = (current != null ? current : hi) + resetSpec.shiftBy;
            } else {
                long found = byTime.getOrDefault(tp, -1L);
                target = found < 0 ? hi : found;
            }
            plan.put(tp, clamp(target, lo, hi));
        }
        if (!execute) {
            if (!dryRun) {
                err.println("WARN: No action was given (--dry-run or --execute): this was a dry run, nothing was changed.");
            }
        } else if (!plan.isEmpty()) {
            ToolSupport.await(admin.alterConsumerGroupOffsets(group, plan), timeout);
        }
        List<List<String>> rows = plan.entrySet().stream().map(e -> List.of(group, e.getKey().topic(),
            Integer.toString(e.getKey().partition()), Long.toString(e.getValue()))).toList();
        out.println();
        printTable(out, RESET_HEADER, rows);
    }

    /** Kafka's group tool separates its columns by one space. */
    private static void printTable(PrintWriter out, List<String> header, List<? extends List<?>> rows) {
        out.print(new TextTable(1, header).addAll(rows).render());
        out.flush();
    }

    static long clamp(long target, long lo, long hi) {
        return Math.max(lo, Math.min(hi, target));
    }

    /** {@code topic} or {@code topic:0,1,2}. */
    static Map.Entry<String, List<Integer>> parseTopicPartitions(String text) {
        int colon = text.indexOf(':');
        String topic = colon < 0 ? text : text.substring(0, colon);
        ToolSupport.validateTopic(topic);
        List<Integer> partitions = new ArrayList<>();
        if (colon >= 0) {
            for (String p : text.substring(colon + 1).split(",")) {
                try {
                    int n = Integer.parseInt(p.trim());
                    if (n < 0) {
                        throw new NumberFormatException();
                    }
                    partitions.add(n);
                } catch (NumberFormatException e) {
                    throw new ToolException("--topic: '" + p + "' in '" + text + "' is not a partition number",
                        ExitCodes.USAGE);
                }
            }
        }
        return Map.entry(topic, partitions);
    }

    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS");

    /** {@code YYYY-MM-DDTHH:mm:SS.sss}, in local time, or with a zone offset ({@code Z}, {@code +01:00}). */
    static long parseDateTime(String text) {
        try {
            return LocalDateTime.parse(text, LOCAL).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
        } catch (DateTimeParseException local) {
            try {
                return OffsetDateTime.parse(text).toInstant().toEpochMilli();
            } catch (DateTimeParseException zoned) {
                try {
                    return Instant.parse(text).toEpochMilli();
                } catch (DateTimeParseException e) {
                    throw new ToolException("--to-datetime: '" + text + "' is not YYYY-MM-DDTHH:mm:SS.sss",
                        ExitCodes.USAGE);
                }
            }
        }
    }

    /** An ISO-8601 duration such as {@code PT1H} or {@code P1DT2H3M4S}. */
    static Duration parseDuration(String text) {
        try {
            Duration d = Duration.parse(text);
            if (d.isNegative()) {
                throw new ToolException("--by-duration must not be negative: '" + text + "'", ExitCodes.USAGE);
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new ToolException("--by-duration: '" + text + "' is not an ISO-8601 duration PnDTnHnMnS",
                ExitCodes.USAGE);
        }
    }
}
