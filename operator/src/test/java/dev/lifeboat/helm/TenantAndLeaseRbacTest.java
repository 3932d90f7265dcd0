package dev.lifeboat.helm;

import static dev.lifeboat.helm.Charts.NAMESPACE;
import static dev.lifeboat.helm.Charts.named;
import static dev.lifeboat.helm.Charts.operatorRole;
import static dev.lifeboat.helm.Charts.parse;
import static dev.lifeboat.helm.Charts.render;
import static dev.lifeboat.helm.Charts.rule;
import static dev.lifeboat.helm.Charts.single;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The RBAC beside the operator's ClusterRole: its Lease's Role, and the roles of the people who use Lifeboat. */
class TenantAndLeaseRbacTest {
  private static final List<String> KINDS = List.of("backuppolicies", "restorerequests");
  private static final List<String> STATUS = List.of("backuppolicies/status", "restorerequests/status");

  @Test
  void leasesAreGrantedInTheReleaseNamespaceOnly() {
    List<HasMetadata> objects = parse(render(t -> t));
    Role role = named(objects, Role.class, "lifeboat-leader-election");
    RoleBinding binding = named(objects, RoleBinding.class, "lifeboat-leader-election");

    assertThat(role.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(role.getRules()).usingRecursiveFieldByFieldElementComparator()
        .containsExactly(rule("coordination.k8s.io", List.of("leases"), "get", "create", "update"));
    assertThat(binding.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getName()).isEqualTo(single(objects, Deployment.class).getSpec().getTemplate().getSpec()
          .getServiceAccountName());
      assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
    });
    assertThat(operatorRole(objects).getRules()).flatExtracting(PolicyRule::getResources).doesNotContain("leases");
  }

  @Test
  void namespaceEditorsAndAdminsManageTheirOwnPoliciesAndRequestsButNotTheirStatus() {
    ClusterRole edit = named(parse(render(t -> t)), ClusterRole.class, "lifeboat-edit");

    assertThat(edit.getMetadata().getLabels())
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-edit", "true")
        .containsEntry("rbac.authorization.k8s.io/aggregate-to-admin", "true")
        .doesNotContainKey("rbac.authorization.k8s.io/aggregate-to-view");
    assertThat(edit.getRules()).usingRecursiveFieldByFieldElementComparator().containsExactly(
        rule("lifeboat.dev", KINDS, "get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"),
        rule("lifeboat.dev", STATUS, "get"));
  }

  @Test
  void namespaceViewersReadPoliciesAndRequestsWithTheirStatusOnly() {
    ClusterRole view = named(parse(render(t -> t)), ClusterRole.class, "lifeboat-view");

    assertThat(view.getMetadata().getLabels()).containsEntry("rbac.authorization.k8s.io/aggregate-to-view", "true")
        .doesNotContainKeys("rbac.authorization.k8s.io/aggregate-to-edit", "rbac.authorization.k8s.io/aggregate-to-admin");
    assertThat(view.getRules()).singleElement().satisfies(r -> {
      assertThat(r.getApiGroups()).containsExactly("lifeboat.dev");
      assertThat(r.getResources()).containsExactlyInAnyOrder("backuppolicies", "restorerequests",
          "backuppolicies/status", "restorerequests/status");
      assertThat(r.getVerbs()).containsExactly("get", "list", "watch");
    });
  }

  @Test
  void tenantRolesCanBeLeftOut() {
    List<HasMetadata> objects = parse(render(t -> t.set("rbac.aggregateToDefaultRoles", false)));

    assertThat(objects).filteredOn(o -> o instanceof ClusterRole).extracting(o -> o.getMetadata().getName())
        .containsExactly("lifeboat");
  }
}
