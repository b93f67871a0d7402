#include <signal.h>
#include <stdlib.h>

#include "base/signames.h"
#include "setup/idmap.h"
#include "setup/mountinfo.h"
#include "tests/unit/unit.h"

static void signal_names(void)
{
    CHECK(signal_parse("TERM", 0) == SIGTERM);
    CHECK(signal_parse("SIGTERM", 0) == SIGTERM);
    CHECK(signal_parse("sigusr1", 0) == SIGUSR1);
    CHECK(signal_parse("9", 0) == SIGKILL);
    CHECK(signal_parse("0", 0) == -1 && signal_parse("0", 1) == 0);
    CHECK(signal_parse("65", 0) == -1);
    CHECK(signal_parse("-1", 0) == -1);
    CHECK(signal_parse("15x", 0) == -1);
    CHECK(signal_parse("", 0) == -1 && signal_parse(NULL, 0) == -1);
    CHECK(signal_parse("BOGUS", 0) == -1);
    CHECK(signal_parse("RTMIN", 0) == SIGNAL_RTMIN);
    CHECK(signal_parse("RTMIN+3", 0) == SIGNAL_RTMIN + 3);
    CHECK(signal_parse("rtmax-1", 0) == SIGNAL_RTMAX - 1);
    CHECK(signal_parse("RTMAX+1", 0) == -1);
    CHECK(signal_parse("RTMIN+", 0) == -1);
}

static void idmap_parsing(void)
{
    struct id_range r[4];
    CHECK(idmap_parse("         0          0 4294967295\n", r, 4) == 1);
    CHECK(r[0].inside == 0 && r[0].outside == 0 && r[0].count == 4294967295UL);
    CHECK(idmap_parse("0 1000 1\n1 100000 65536\n", r, 4) == 2);
    CHECK(r[1].inside == 1 && r[1].outside == 100000 && r[1].count == 65536);
    CHECK(idmap_parse("", r, 4) == 0);
    CHECK(idmap_parse("0 0\n", r, 4) == -1);
    CHECK(idmap_parse("0 0 1 junk\n", r, 4) == -1);
    CHECK(idmap_parse("0 0 0\n", r, 4) == -1);          /* empty range */
    CHECK(idmap_parse("4294967295 0 2\n", r, 4) == -1); /* wraps past 2^32 */
    CHECK(idmap_parse("0 0 1\n1 1 1\n2 2 1\n", r, 2) == -1);
}

static void idmap_full_maps_each_owned_id_to_itself(void)
{
    struct id_range r[4];
    char text[256];
    int n = idmap_parse("0 0 4294967295\n", r, 4);
    CHECK(idmap_full_text(r, n, text, sizeof text) == 0);
    CHECK_STR(text, "0 0 4294967295\n");
    /* rootless podman: sorted, the outside column dropped, and adjacent ranges
     * NOT merged (the kernel refuses a child line spanning two parent lines) */
    n = idmap_parse("1 100000 65536\n0 1000 1\n", r, 4);
    CHECK(idmap_full_text(r, n, text, sizeof text) == 0);
    CHECK_STR(text, "0 0 1\n1 1 65536\n");
    n = idmap_parse("0 1000 1\n10 100000 5\n", r, 4);
    CHECK(idmap_full_text(r, n, text, sizeof text) == 0);
    CHECK_STR(text, "0 0 1\n10 10 5\n");
    CHECK(idmap_full_text(r, n, text, 8) == -1);
    CHECK(idmap_full_text(r, 0, text, sizeof text) == -1);
    idmap_root_text(1000, text, sizeof text);
    CHECK_STR(text, "0 1000 1\n");
}

static void mountinfo_lines(void)
{
    struct mount_entry m;
    CHECK(mountinfo_parse_line("36 35 98:0 /mnt1 /mnt\\040two rw,noatime master:1 shared:2 - ext3 /dev/root rw,errors=continue", &m) == 0);
    CHECK(m.id == 36 && m.parent == 35);
    CHECK_STR(m.mount_point, "/mnt two");
    CHECK_STR(m.options, "rw,noatime");
    CHECK_STR(m.fstype, "ext3");
    CHECK_STR(m.source, "/dev/root");
    CHECK(mountinfo_parse_line("22 27 0:21 / /proc rw,relatime - proc proc rw", &m) == 0);
    CHECK_STR(m.fstype, "proc");
    CHECK(mountinfo_parse_line("22 27 0:21 / /proc rw,relatime proc proc rw", &m) == -1); /* no separator */
    CHECK(mountinfo_parse_line("x 27 0:21 / /proc rw - proc proc rw", &m) == -1);
    CHECK(mountinfo_parse_line("", &m) == -1);
    /* ids that do not fit an int must not wrap (to -1, "no /proc": found by the fuzz oracle) */
    CHECK(mountinfo_parse_line("4294967295 27 0:21 / /proc rw - proc proc rw", &m) == -1);
    CHECK(mountinfo_parse_line("22 -1 0:21 / /proc rw - proc proc rw", &m) == -1);
    CHECK(mountinfo_parse_line("2147483647 0 0:21 / /proc rw - proc proc rw", &m) == 0 && m.id == 2147483647);
    CHECK(mount_option_has("rw,nosuid,nodev", "nosuid"));
    CHECK(mount_option_has("ro", "ro"));
    CHECK(!mount_option_has("rw,nosuidx", "nosuid"));
    CHECK(!mount_option_has("rw,relatime", "ro"));
}

/* What Docker's default /proc looks like, read back from a real container. */
static const char docker_mountinfo[] =
    "600 500 0:60 / / rw,relatime - overlay overlay rw,lowerdir=/l\n"
    "601 600 0:63 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n"
    "602 600 0:64 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755\n"
    "610 601 0:63 /bus /proc/bus ro,nosuid,nodev,noexec,relatime - proc proc rw\n"
    "611 601 0:63 /fs /proc/fs ro,nosuid,nodev,noexec,relatime - proc proc rw\n"
    "612 601 0:63 /sys /proc/sys ro,nosuid,nodev,noexec,relatime - proc proc rw\n"
    "613 601 0:63 /sysrq-trigger /proc/sysrq-trigger ro,nosuid,nodev,noexec,relatime - proc proc rw\n"
    "614 601 0:70 / /proc/acpi ro,relatime - tmpfs tmpfs ro\n"
    "615 601 0:64 /null /proc/keys rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755\n"
    "616 601 0:64 /null /proc/timer_list rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755\n"
    "617 601 0:71 / /proc/scsi ro,relatime - tmpfs tmpfs ro\n";

static void docker_masks_are_found(void)
{
    struct proc_masks masks;
    CHECK(proc_masks_find(docker_mountinfo, &masks) == 0);
    CHECK(masks.masked == 4);
    CHECK(masks.readonly == 4);
    CHECK_STR(masks.masked_paths, "/proc/acpi, /proc/keys, /proc/timer_list, /proc/scsi");
    CHECK_STR(masks.readonly_paths, "/proc/bus, /proc/fs, /proc/sys, /proc/sysrq-trigger");
}

static void unmasked_and_covered_proc(void)
{
    struct proc_masks masks;
    /* systempaths=unconfined: nothing over /proc */
    CHECK(proc_masks_find("1 0 0:1 / / rw - ext4 /dev/vda rw\n2 1 0:2 / /proc rw - proc proc rw\n", &masks) == 0);
    CHECK(masks.masked == 0 && masks.readonly == 0);
    /* Only the topmost /proc counts: masks of a covered one are not ours. */
    CHECK(proc_masks_find("2 1 0:2 / /proc rw - proc proc rw\n3 2 0:9 /null /proc/keys rw - devtmpfs d rw\n"
                          "4 2 0:5 / /proc rw,nosuid - proc proc rw\n",
                          &masks) == 0);
    CHECK(masks.masked == 0);
    /* No procfs at /proc at all (a tmpfs covers it). */
    CHECK(proc_masks_find("2 1 0:2 / /proc rw - proc proc rw\n4 2 0:5 / /proc rw - tmpfs t rw\n", &masks) == -1);
    CHECK(proc_masks_find("", &masks) == -1);
}

/* Whether a new user namespace could mount a fresh procfs (route 1). */
static void procfs_visibility_is_predicted(void)
{
    CHECK(!procfs_visible_in_new_userns(docker_mountinfo));
    /* A host: binfmt_misc sits on a permanently empty directory and hides nothing. */
    CHECK(procfs_visible_in_new_userns("1 0 0:1 / / rw - ext4 /dev/vda rw\n2 1 0:2 / /proc rw - proc proc rw\n"
                                       "3 2 0:40 / /proc/sys/fs/binfmt_misc rw - binfmt_misc b rw\n"));
    /* -v /proc:/host-proc beside a masked /proc: the unmasked one is enough. */
    CHECK(procfs_visible_in_new_userns("601 600 0:63 / /proc rw - proc proc rw\n"
                                       "615 601 0:64 /null /proc/keys rw - tmpfs tmpfs rw\n"
                                       "620 600 0:63 / /host-proc rw - proc proc rw\n"));
    /* A bind of a procfs subdirectory is not the whole filesystem. */
    CHECK(!procfs_visible_in_new_userns("612 600 0:63 /sys /mnt rw - proc proc rw\n"));
    CHECK(!procfs_visible_in_new_userns(""));
    struct mount_entry m;
    CHECK(mountinfo_parse_line("612 601 0:63 /sys /proc/sys ro - proc proc rw", &m) == 0);
    CHECK_STR(m.root, "/sys");
}

int main(void)
{
    RUN(signal_names);
    RUN(idmap_parsing);
    RUN(idmap_full_maps_each_owned_id_to_itself);
    RUN(mountinfo_lines);
    RUN(docker_masks_are_found);
    RUN(unmasked_and_covered_proc);
    RUN(procfs_visibility_is_predicted);
    UNIT_EXIT();
}
