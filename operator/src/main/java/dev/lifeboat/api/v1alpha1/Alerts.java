package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.kubernetes.api.model.Quantity;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class Alerts {
  public static final String DEFAULT_MAX_AGE = "26h";
  public static final String DEFAULT_MIN_SIZE = "50Ki";

  @Default(DEFAULT_MAX_AGE)
  @Pattern("^([0-9]+(s|m|h|d|w))+$")
  @JsonPropertyDescription("BackupOverdue turns True when the newest successful backup is older than this, e.g. 26h, 2d, 1d12h. Default 26h.")
  public String maxAge = DEFAULT_MAX_AGE;

  @Default(DEFAULT_MIN_SIZE)
  @JsonPropertyDescription("BackupSuspicious turns True when the newest backup is smaller than this (bytes or a quantity such as 50Ki), or under 10% of the backup before it. Default 50Ki.")
  public Quantity minSize = new Quantity(DEFAULT_MIN_SIZE);
}
