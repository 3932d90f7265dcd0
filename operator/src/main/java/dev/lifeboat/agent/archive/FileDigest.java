package dev.lifeboat.agent.archive;

/**
 * One regular file's digest as recorded in the manifest.
 *
 * @param path relative to the volume root, '/'-separated, no leading "./"
 * @param size bytes stored in the archive for this file
 * @param sha256 lower-case hex SHA-256 of those bytes
 */
public record FileDigest(String path, long size, String sha256) {}
