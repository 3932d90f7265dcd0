package dev.lifeboat.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lifeboat.api.v1alpha1.schema.PodSecurityContextSchema;
import dev.lifeboat.api.v1alpha1.schema.TolerationSchema;
import dev.lifeboat.api.v1alpha1.schema.ResourceRequirementsSchema;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class JobTemplate {
  @JsonPropertyDescription("CPU and memory requests and limits of the agent container.")
  @SchemaFrom(type = ResourceRequirementsSchema.class)
  public ResourceRequirements resources;

  @JsonPropertyDescription("Node labels the Job's pod must match.")
  public Map<String, String> nodeSelector;

  @JsonPropertyDescription("Tolerations of the Job's pod (added to those copied from a pod that holds an RWO volume).")
  @SchemaFrom(type = TolerationSchema[].class)
  public List<Toleration> tolerations;

  @JsonPropertyDescription("PriorityClass of the Job's pod.")
  public String priorityClassName;

  @Min(1)
  @JsonPropertyDescription("Seconds each of Lifeboat's Jobs may run before Kubernetes stops it. Default 21600 (6 h), 600 for the Jobs that only list the repository.")
  public Long activeDeadlineSeconds;

  @Min(0)
  @JsonPropertyDescription("Retries of a failed backup pod before the run counts as failed. Default 2.")
  public Integer backoffLimit;

  @JsonPropertyDescription("Pod security context (runAsUser, fsGroup...). Non-root is enforced either way; set runAsUser/fsGroup to read volumes owned by another user.")
  @SchemaFrom(type = PodSecurityContextSchema.class)
  public PodSecurityContext podSecurityContext;
}
