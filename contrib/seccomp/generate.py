#!/usr/bin/env python3
"""Generate contrib/seccomp/nestinit.json: Docker's default seccomp policy plus
only what nestinit (and a nested-namespace payload such as bwrap or
`unshare -Umpfr --mount-proc`) needs.

Origin. The base is the default profile of the containers project, installed by
Debian's golang-github-containers-common package (with podman) as
/usr/share/containers/seccomp.json. It shares its lineage and format with
Docker's built-in default, but is more permissive in a few places. This script
first re-applies Docker's policy where they differ (DOCKER_* tables below), then
applies nestinit's relaxations (NESTINIT_NEEDS), each explained. The result is
deterministic; tests/engines check that it still denies what Docker denies.

Usage: contrib/seccomp/generate.py [BASE_JSON] > contrib/seccomp/nestinit.json
"""
import copy
import json
import sys

DEFAULT_BASE = "/usr/share/containers/seccomp.json"

# Docker allows these only with the named capability (its default container
# has none of them). The containers profile allows some unconditionally.
DOCKER_CAP_GATED = {
    "CAP_SYS_ADMIN": ["bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick",
                      "lookup_dcookie", "mount", "mount_setattr", "move_mount", "open_tree", "perf_event_open",
                      "quotactl", "quotactl_fd", "setdomainname", "sethostname", "setns", "umount", "umount2",
                      "unshare"],
    "CAP_SYSLOG": ["syslog"],
    "CAP_SYS_PTRACE": ["kcmp", "pidfd_getfd", "process_madvise"],
    "CAP_SYS_BOOT": ["reboot"],
    "CAP_SYS_NICE": ["get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node"],
}

# Not in Docker's allow list at all, so refused for every container.
DOCKER_DENIED = ["keyctl", "add_key", "request_key", "pivot_root", "userfaultfd", "kexec_load",
                 "kexec_file_load", "swapon", "swapoff", "uselib", "nfsservctl", "vm86", "vm86old",
                 "create_module", "get_kernel_syms", "query_module", "_sysctl", "sysfs", "ustat"]

# nestinit's relaxations, allowed whatever the capabilities (the container's
# root has no CAP_SYS_ADMIN; inside the new user namespace it has all, but the
# filter cannot see that):
NESTINIT_NEEDS = {
    "clone": "create the inner init in new user/pid/mount namespaces (namespace flags)",
    "clone3": "the same for libcs that use clone3 (Docker answers ENOSYS without CAP_SYS_ADMIN)",
    "unshare": "nested namespaces for the payload (unshare, bwrap, container tools)",
    "setns": "join namespaces the payload made (nsenter, container tools)",
    "mount": "make / private, mount the fresh /proc or bind the old one, payload mounts",
    "umount2": "payload unmounts inside its own mount namespace",
    "umount": "the same on architectures with the old call",
    "pivot_root": "sandboxes (bwrap, runc) switch roots inside their mount namespace",
    "sethostname": "--hostname and payloads in their own uts namespace",
    "setdomainname": "the same for the NIS domain name",
    "mount_setattr": "the new mount API, used by recent util-linux and runtimes",
    "move_mount": "the new mount API",
    "open_tree": "the new mount API",
    "fsopen": "the new mount API",
    "fsconfig": "the new mount API",
    "fsmount": "the new mount API",
    "fspick": "the new mount API",
}


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def rules_without(rules, names):
    """Drops `names` from every rule; drops rules left empty."""
    out = []
    for rule in rules:
        kept = [n for n in rule["names"] if n not in names]
        if kept:
            rule = copy.deepcopy(rule)
            rule["names"] = kept
            out.append(rule)
    return out


def generate(base):
    profile = {k: v for k, v in base.items() if k != "syscalls"}
    profile["defaultAction"] = "SCMP_ACT_ERRNO"
    profile["defaultErrnoRet"] = 1  # EPERM, as Docker answers
    profile.pop("defaultErrno", None)
    gated = {name for names in DOCKER_CAP_GATED.values() for name in names}
    # Remove every rule naming a call whose policy we set here, then add ours.
    rules = rules_without(base["syscalls"], gated | set(DOCKER_DENIED) | set(NESTINIT_NEEDS))
    rules = [r for r in rules if r["action"] != "SCMP_ACT_ERRNO" or r.get("args")]
    for cap, names in sorted(DOCKER_CAP_GATED.items()):
        kept = sorted(n for n in names if n not in NESTINIT_NEEDS)
        if kept:
            rules.append({"names": kept, "action": "SCMP_ACT_ALLOW", "includes": {"caps": [cap]},
                          "comment": "Docker's policy: only with " + cap})
    rules.append({"names": sorted(NESTINIT_NEEDS), "action": "SCMP_ACT_ALLOW",
                  "comment": "nestinit: " + "; ".join("%s: %s" % kv for kv in sorted(NESTINIT_NEEDS.items()))})
    profile["syscalls"] = rules
    return profile


def main():
    base = load(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_BASE)
    json.dump(generate(base), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
