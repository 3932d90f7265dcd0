package dev.lifeboat.common;

/**
 * Why something cannot go on, as conditions and Events say it: a CamelCase reason and a message
 * that names the field or object at fault.
 */
public record Problem(String reason, String message) {}
