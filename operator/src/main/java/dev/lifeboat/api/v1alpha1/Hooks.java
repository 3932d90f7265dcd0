package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class Hooks {
  @JsonPropertyDescription("Commands run, in order, before the volumes are copied (e.g. sqlite3 .backup into the volume).")
  public List<Hook> before;

  @JsonPropertyDescription("Commands run, in order, after the copy, whether it succeeded or not.")
  public List<Hook> after;
}
