/**
 * Decides which backups a policy keeps: grandfather-father-son retention with the semantics of
 * restic's {@code forget --keep-*}, plus Lifeboat's safety nets (pinned ids, the newest good
 * backup, and the guard against a suspicious newest backup).
 *
 * <p>Everything here is pure: no I/O, no clock, no Kubernetes types. The backup agent uses it to
 * prune the repository and the operator uses the same code to explain {@code keptBy} in status, so
 * both always agree. See {@code docs/retention.md}.
 */
package dev.lifeboat.retention;
