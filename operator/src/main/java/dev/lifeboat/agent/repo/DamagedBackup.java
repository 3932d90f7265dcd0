package dev.lifeboat.agent.repo;

/**
 * A backup whose manifest.json exists but cannot be read (corrupt, a format version this agent
 * does not know, a required field missing). Neither complete nor incomplete: readers skip it and
 * name it, retention neither counts nor deletes it, so a person can look at it.
 *
 * @param problem one line naming the manifest object and what is wrong with it
 */
public record DamagedBackup(String id, String problem) {}
