#!/usr/bin/env python3
"""Generates the message records of io.sluice.protocol.message from the per-version field listing
in shared/docs/kafka-message-schemas.txt.

The listing gives, for every API version, the exact wire field order. This script folds those
per-version listings into one description per message: each field once, annotated with the
versions it exists in, the versions in which it may be null, and its tag if it is a tagged field.
The generic codec (io.sluice.protocol.schema) reads and writes every version from that description.

Usage: tools/gen_messages.py ../shared/docs/kafka-message-schemas.txt client/src/main/java
Run it again only when a version range in API_RANGES changes; the output is committed.

Not generated (the listing lacks them; written by hand in the same shape and checked byte for byte against
kafka-clients by KafkaClientsWireCompatibilityTest): ElectLeaders (43) v0-2, AlterPartitionReassignments (45)
v0-1 and ListPartitionReassignments (46) v0. Running this script neither writes nor deletes those files.
"""
import os
import re
import sys

# The API versions Sluice implements (= advertises). Section 1.2 of protocol-and-zk-design.md.
API_RANGES = {
    0: ("Produce", 3, 11, 9), 1: ("Fetch", 4, 12, 12), 2: ("ListOffsets", 1, 9, 6),
    3: ("Metadata", 0, 12, 9), 8: ("OffsetCommit", 2, 9, 8), 9: ("OffsetFetch", 1, 9, 6),
    10: ("FindCoordinator", 0, 4, 3), 11: ("JoinGroup", 0, 9, 6), 12: ("Heartbeat", 0, 4, 4),
    13: ("LeaveGroup", 0, 5, 4), 14: ("SyncGroup", 0, 5, 4), 15: ("DescribeGroups", 0, 5, 5),
    16: ("ListGroups", 0, 5, 3), 18: ("ApiVersions", 0, 4, 3), 19: ("CreateTopics", 2, 7, 5),
    20: ("DeleteTopics", 1, 6, 4), 21: ("DeleteRecords", 0, 2, 2), 22: ("InitProducerId", 0, 5, 2),
    23: ("OffsetForLeaderEpoch", 2, 4, 4), 32: ("DescribeConfigs", 1, 4, 4), 33: ("AlterConfigs", 0, 2, 2),
    37: ("CreatePartitions", 0, 3, 2), 42: ("DeleteGroups", 0, 2, 2), 44: ("IncrementalAlterConfigs", 0, 1, 1),
    47: ("OffsetDelete", 0, 0, None), 60: ("DescribeCluster", 0, 1, 0),
}

# Defaults that differ from the type's zero value (Kafka's message specs use the same ones).
# Key: "<Message>.<field path>"; value: the Java literal text used in @Default.
DEFAULTS = {
    "MetadataRequest.allow_auto_topic_creation": "true",
    "MetadataResponse.cluster_authorized_operations": "-2147483648",
    "MetadataResponse.topics.topic_authorized_operations": "-2147483648",
    "MetadataResponse.topics.partitions.leader_epoch": "-1",
    "MetadataResponse.controller_id": "-1",
    "FetchRequest.replica_id": "-1",
    "FetchRequest.max_bytes": "2147483647",
    "FetchRequest.session_epoch": "-1",
    "FetchRequest.topics.partitions.current_leader_epoch": "-1",
    "FetchRequest.topics.partitions.last_fetched_epoch": "-1",
    "FetchRequest.topics.partitions.log_start_offset": "-1",
    "FetchRequest.cluster_id": "null",
    "FetchResponse.responses.partitions.last_stable_offset": "-1",
    "FetchResponse.responses.partitions.log_start_offset": "-1",
    "FetchResponse.responses.partitions.preferred_read_replica": "-1",
    "FetchResponse.responses.partitions.diverging_epoch.epoch": "-1",
    "FetchResponse.responses.partitions.diverging_epoch.end_offset": "-1",
    "FetchResponse.responses.partitions.current_leader.leader_id": "-1",
    "FetchResponse.responses.partitions.current_leader.leader_epoch": "-1",
    "FetchResponse.responses.partitions.snapshot_id.end_offset": "-1",
    "FetchResponse.responses.partitions.snapshot_id.epoch": "-1",
    "ProduceResponse.responses.partition_responses.log_append_time_ms": "-1",
    "ProduceResponse.responses.partition_responses.log_start_offset": "-1",
    "ProduceResponse.responses.partition_responses.current_leader.leader_id": "-1",
    "ProduceResponse.responses.partition_responses.current_leader.leader_epoch": "-1",
    "ListOffsetsRequest.topics.partitions.current_leader_epoch": "-1",
    "ListOffsetsResponse.topics.partitions.timestamp": "-1",
    "ListOffsetsResponse.topics.partitions.offset": "-1",
    "ListOffsetsResponse.topics.partitions.leader_epoch": "-1",
    "OffsetCommitRequest.generation_id_or_member_epoch": "-1",
    "OffsetCommitRequest.retention_time_ms": "-1",
    "OffsetCommitRequest.group_instance_id": "null",
    "OffsetCommitRequest.topics.partitions.committed_leader_epoch": "-1",
    "OffsetFetchRequest.groups.member_id": "null",
    "OffsetFetchRequest.groups.member_epoch": "-1",
    "OffsetFetchResponse.topics.partitions.committed_leader_epoch": "-1",
    "OffsetFetchResponse.groups.topics.partitions.committed_leader_epoch": "-1",
    "JoinGroupRequest.rebalance_timeout_ms": "-1",
    "JoinGroupRequest.group_instance_id": "null",
    "JoinGroupRequest.reason": "null",
    "JoinGroupResponse.generation_id": "-1",
    "JoinGroupResponse.protocol_type": "null",
    "JoinGroupResponse.members.group_instance_id": "null",
    "HeartbeatRequest.group_instance_id": "null",
    "SyncGroupRequest.group_instance_id": "null",
    "SyncGroupRequest.protocol_type": "null",
    "SyncGroupRequest.protocol_name": "null",
    "SyncGroupResponse.protocol_type": "null",
    "SyncGroupResponse.protocol_name": "null",
    "LeaveGroupRequest.members.group_instance_id": "null",
    "LeaveGroupRequest.members.reason": "null",
    "LeaveGroupResponse.members.group_instance_id": "null",
    "DescribeGroupsResponse.groups.members.group_instance_id": "null",
    "DescribeGroupsResponse.groups.authorized_operations": "-2147483648",
    "ListGroupsResponse.groups.group_state": "\"\"",
    "ApiVersionsResponse.finalized_features_epoch": "-1",
    "CreateTopicsResponse.topics.num_partitions": "-1",
    "CreateTopicsResponse.topics.replication_factor": "-1",
    "CreateTopicsResponse.topics.configs": "null",
    "InitProducerIdRequest.producer_id": "-1",
    "InitProducerIdRequest.producer_epoch": "-1",
    "InitProducerIdResponse.producer_id": "-1",
    "OffsetForLeaderEpochRequest.replica_id": "-2",
    "OffsetForLeaderEpochRequest.topics.partitions.current_leader_epoch": "-1",
    "OffsetForLeaderEpochResponse.topics.partitions.leader_epoch": "-1",
    "OffsetForLeaderEpochResponse.topics.partitions.end_offset": "-1",
    "DescribeConfigsResponse.results.configs.config_source": "-1",
    "DescribeCluster.endpoint_type": "1",
    "DescribeClusterRequest.endpoint_type": "1",
    "DescribeClusterResponse.endpoint_type": "1",
    "DescribeClusterResponse.cluster_authorized_operations": "-2147483648",
    "CreatePartitionsRequest.topics.assignments": "null",
    "DeleteTopicsRequest.topics.name": "null",
}

# Element names that would otherwise clash with the protocol package's own types.
STRUCT_NAMES = {"api_keys": "ApiVersion"}

PRIMS = {"BOOLEAN": "boolean", "INT8": "byte", "INT16": "short", "INT32": "int", "INT64": "long",
         "FLOAT64": "double", "UUID": "Uuid", "STRING": "String", "BYTES": "ByteBuffer",
         "RECORDS": "Records", "UINT16": "int", "UINT32": "long"}
BOXED = {"boolean": "Boolean", "byte": "Byte", "short": "Short", "int": "Integer", "long": "Long",
         "double": "Double"}


class Type:
    """kind: prim | array | struct; nullable; elem (array); fields/tags (struct, lists of (name, Type))."""
    def __init__(self, kind, name=None, nullable=False, elem=None, fields=None, tags=None):
        self.kind, self.name, self.nullable, self.elem = kind, name, nullable, elem
        self.fields, self.tags = fields or [], tags or []


def parse_type(s, i):
    if s.startswith("{", i):
        return parse_struct(s, i)
    m = re.compile(r"(NULLABLE_COMPACT_ARRAY|NULLABLE_ARRAY|COMPACT_ARRAY|ARRAY)<").match(s, i)
    if m:
        elem, j = parse_type(s, m.end())
        assert s[j] == ">", s[j:j + 20]
        return Type("array", nullable=m.group(1).startswith("NULLABLE"), elem=elem), j + 1
    m = re.compile(r"[A-Z0-9_]+").match(s, i)
    tok = m.group(0)
    nullable = "NULLABLE" in tok
    base = tok.replace("COMPACT_", "").replace("NULLABLE_", "")
    if base == "RECORDS":
        nullable = True
    assert base in PRIMS, tok
    return Type("prim", name=base, nullable=nullable), m.end()


def parse_struct(s, i):
    assert s[i] == "{"
    i += 1
    fields, tags = [], []
    while s[i] != "}":
        if s.startswith("TAG_BUFFER", i):
            i += len("TAG_BUFFER")
            if s[i] == "[":
                i += 1
                while s[i] != "]":
                    m = re.compile(r"tag(\d+) ([a-z_0-9]+):").match(s, i)
                    t, i = parse_type(s, m.end())
                    tags.append((m.group(2), t, int(m.group(1))))
                    if s.startswith(", ", i):
                        i += 2
                i += 1
        else:
            m = re.compile(r"([a-z_0-9]+):").match(s, i)
            t, i = parse_type(s, m.end())
            fields.append((m.group(1), t))
        if s.startswith(", ", i):
            i += 2
    return Type("struct", fields=fields, tags=tags), i + 1


def load(path):
    out = {}  # (key, version) -> (req Type, rsp Type)
    lines = open(path).read().splitlines()
    for n, line in enumerate(lines):
        m = re.match(r"^(\d+) (\w+) v(\d+) ", line)
        if not m:
            continue
        key, version = int(m.group(1)), int(m.group(3))
        if key not in API_RANGES:
            continue
        _, lo, hi, _ = API_RANGES[key]
        if not lo <= version <= hi:
            continue
        req = parse_type(lines[n + 1].strip()[4:], 0)[0]
        rsp = parse_type(lines[n + 2].strip()[4:], 0)[0]
        out[(key, version)] = (req, rsp)
    return out


class Field:
    def __init__(self, name):
        self.name = name
        self.versions = []
        self.null_versions = []
        self.tag = None
        self.base = None       # 'prim:<NAME>' | 'array' | 'struct'
        self.elem = None       # merged Field-like description for array element
        self.struct = None     # MergedStruct


class MergedStruct:
    def __init__(self):
        self.fields = []  # ordered Field
        self.by_name = {}

    def field(self, name, after):
        if name in self.by_name:
            return self.by_name[name]
        f = Field(name)
        self.by_name[name] = f
        if after is None:
            self.fields.insert(0, f)
        else:
            self.fields.insert(self.fields.index(after) + 1, f)
        return f


def merge_type(f, t, version, where):
    if t.kind == "prim":
        base = "prim:" + t.name
    else:
        base = t.kind
    if f.base is None:
        f.base = base
    elif f.base != base:
        raise SystemExit(f"{where}: type changes across versions ({f.base} vs {base})")
    if t.nullable:
        f.null_versions.append(version)
    if t.kind == "array":
        if f.elem is None:
            f.elem = Field(f.name)
        merge_type(f.elem, t.elem, version, where + "[]")
    elif t.kind == "struct":
        if f.struct is None:
            f.struct = MergedStruct()
        merge_struct(f.struct, t, version, where)


def merge_struct(ms, t, version, where):
    prev = None
    for name, ft in t.fields:
        f = ms.field(name, prev)
        f.versions.append(version)
        merge_type(f, ft, version, where + "." + name)
        prev = f
    for name, ft, tag in t.tags:
        f = ms.field("~" + name, ms.fields[-1] if ms.fields else None)
        if f.tag is not None and f.tag != tag:
            raise SystemExit(f"{where}.{name}: tag changes")
        f.tag = tag
        f.versions.append(version)
        merge_type(f, ft, version, where + "." + name)


def vrange(vs, hi):
    vs = sorted(vs)
    lo, top = vs[0], vs[-1]
    if vs != list(range(lo, top + 1)):
        raise SystemExit(f"non-contiguous versions {vs}")
    return f"{lo}+" if top == hi else (f"{lo}" if lo == top else f"{lo}-{top}")


def camel(name, upper=False):
    parts = name.split("_")
    s = parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])
    return s[:1].upper() + s[1:] if upper else s


def singular(name):
    c = camel(name, True)
    if c.endswith("ies"):
        return c[:-3] + "y"
    if c.endswith("sses") or c.endswith("uses"):
        return c[:-2]
    if c.endswith("s") and not c.endswith("ss"):
        return c[:-1]
    return c


JAVA_RESERVED = {"default", "class", "int", "long", "short", "byte", "boolean", "assert", "package"}


class Emitter:
    def __init__(self, msg_name, lo, hi):
        self.msg, self.lo, self.hi = msg_name, lo, hi
        self.out = []

    def java_type(self, f, path, enclosing, nested, versions=None):
        versions = versions if versions is not None else f.versions
        if f.base.startswith("prim:"):
            return PRIMS[f.base[5:]]
        if f.base == "array":
            inner = self.java_type(f.elem, path, enclosing, nested, versions)
            return "List<" + BOXED.get(inner, inner) + ">"
        name = STRUCT_NAMES.get(f.name.lstrip("~"), singular(f.name.lstrip("~")))
        while name in enclosing or name == self.msg or name in ("List", "Records", "Uuid", "String"):
            name = name + "Entry"
        nested.append((name, f.struct, path, versions))
        return name

    def emit_struct(self, ms, indent, path, enclosing, header=None, implements="", present=None):
        nested = []
        comps = []
        present = sorted(set(present)) if present is not None else list(range(self.lo, self.hi + 1))
        for f in ms.fields:
            raw = f.name.lstrip("~")
            fpath = path + [raw]
            jt = self.java_type(f, fpath, enclosing + [header or self.msg], nested)
            ann = []
            if f.tag is not None:
                ann.append(f'@Tagged(tag = {f.tag}, versions = "{vrange(f.versions, self.hi)}")')
            elif sorted(set(f.versions)) != present:
                ann.append(f'@Versions("{vrange(f.versions, self.hi)}")')
            nv = f.null_versions if f.base != "array" or True else []
            if nv and f.base != "prim:RECORDS":
                ann.append(f'@NullableVersions("{vrange(nv, self.hi)}")')
            if f.base == "array" and f.elem.null_versions:
                raise SystemExit(f"{self.msg}.{'.'.join(fpath)}: nullable array elements unsupported")
            key = self.msg + "." + ".".join(fpath)
            if key in DEFAULTS:
                ann.append("@Default(" + java_str(DEFAULTS[key]) + ")")
            name = camel(raw)
            if name in JAVA_RESERVED:
                name = name + "_"
            comps.append((" ".join(ann) + (" " if ann else "") + jt + " " + name))
        pad = " " * indent
        out = self.out
        title = header
        out.append(f"{pad}public record {title}(")
        for i, c in enumerate(comps):
            out.append(f"{pad}        {c}{',' if i < len(comps) - 1 else ''}")
        out.append(f"{pad}){implements} {{")
        for name, sub, spath, versions in nested:
            out.append("")
            self.emit_struct(sub, indent + 4, spath, enclosing + [title], header=name, present=versions)
        if title == self.msg:
            out.append("")
            out.append(f"{pad}    @Override")
            out.append(f"{pad}    public ApiKey apiKey() {{")
            out.append(f"{pad}        return ApiKey.{API_CONST[self.msg]};")
            out.append(f"{pad}    }}")
        out.append(f"{pad}}}")


def java_str(v):
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'


API_CONST = {}


def const_name(api):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", api).upper()


def main():
    src, outdir = sys.argv[1], sys.argv[2]
    data = load(src)
    pkg_dir = os.path.join(outdir, "io/sluice/protocol/message")
    os.makedirs(pkg_dir, exist_ok=True)
    for key, (api, lo, hi, flex) in sorted(API_RANGES.items()):
        for side, idx in (("Request", 0), ("Response", 1)):
            name = api + side
            API_CONST[name] = const_name(api)
            ms = MergedStruct()
            for v in range(lo, hi + 1):
                if (key, v) not in data:
                    raise SystemExit(f"missing {api} v{v}")
                merge_struct(ms, data[(key, v)][idx], v, name)
            em = Emitter(name, lo, hi)
            em.emit_struct(ms, 0, [], [], header=name, implements=f" implements ApiMessage")
            body = "\n".join(em.out)
            imports = ["import io.sluice.protocol.ApiKey;", "import io.sluice.protocol.ApiMessage;"]
            for ann in ("Default", "NullableVersions", "Tagged", "Versions"):
                if "@" + ann + "(" in body:
                    imports.append(f"import io.sluice.protocol.schema.{ann};")
            imports.append("import io.sluice.protocol.schema.Message;")
            if "Uuid " in body or "<Uuid>" in body:
                imports.append("import io.sluice.common.Uuid;")
            if "Records " in body:
                imports.append("import io.sluice.record.Records;")
            if "ByteBuffer " in body:
                imports.append("import java.nio.ByteBuffer;")
            if "List<" in body:
                imports.append("import java.util.List;")
            flex_txt = "none" if flex is None else f"{flex}+"
            text = (
                "// Generated by tools/gen_messages.py from the per-version field listing; do not edit by hand.\n"
                "package io.sluice.protocol.message;\n\n"
                + "\n".join(sorted(imports)) + "\n\n"
                + f"/** {api} {side.lower()} (API key {key}), versions {lo}-{hi}, flexible versions {flex_txt}. */\n"
                + f'@Message(apiKey = {key}, versions = "{lo}-{hi}", flexibleVersions = "{flex_txt}")\n'
                + body + "\n")
            with open(os.path.join(pkg_dir, name + ".java"), "w") as fh:
                fh.write(text)
    print(f"wrote {2 * len(API_RANGES)} messages to {pkg_dir}")


if __name__ == "__main__":
    main()
