package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/**
 * A command whose standard output is backed up as one object, e.g. pg_dump of a database that
 * has no volume in this namespace.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DumpSource extends CommandContainer {
  /** Longest name whose container name, dump-&lt;name&gt;, is still a DNS label. */
  public static final int MAX_NAME_LENGTH = 58;
  /** A DNS label of at most {@link #MAX_NAME_LENGTH} characters. */
  public static final String NAME_PATTERN = "^[a-z0-9]([-a-z0-9]{0,56}[a-z0-9])?$";

  @Required
  @Size(max = MAX_NAME_LENGTH)
  @Pattern(NAME_PATTERN)
  @JsonPropertyDescription("Name of the dump, unique in the policy: a DNS label of at most 58 characters. The backup stores it as <backupId>/<name>.dump; a restore names it in source.dump.")
  public String name;

  public static final int DEFAULT_TIMEOUT_SECONDS = 3600;

  @Min(1)
  @Default("3600")
  @JsonPropertyDescription("Seconds the command may run before the backup fails. Default 3600.")
  public Integer timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
}
