package dev.lifeboat.sandbox;

import dev.lifeboat.snapshot.v1.VolumeSnapshot;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.file.Path;

/**
 * The API server's answer for a group no CRD defines: the CRUD mock stores any kind it is sent, but
 * a cluster without the CSI snapshotter's CRDs answers every {@code snapshot.storage.k8s.io} request
 * 404. With {@code served} false, so does the sandbox; everything else is {@link PodExecDispatcher}'s.
 */
final class SnapshotApiDispatcher extends PodExecDispatcher {
  private static final String PREFIX = "/apis/" + VolumeSnapshot.GROUP + "/";
  private final boolean served;
  private final KubernetesSerialization serialization = new KubernetesSerialization();

  SnapshotApiDispatcher(Path state, boolean served) {
    super(state);
    this.served = served;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String path = request.getPath() == null ? "" : request.getPath();
    if (served || !path.startsWith(PREFIX)) {
      return super.dispatch(request);
    }
    return new MockResponse().setResponseCode(404).setBody(serialization.asJson(new StatusBuilder()
        .withStatus("Failure").withReason("NotFound").withCode(404)
        .withMessage("the server could not find the requested resource").build()));
  }
}
