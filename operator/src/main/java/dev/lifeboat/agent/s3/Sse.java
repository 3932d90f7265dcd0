package dev.lifeboat.agent.s3;

import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/** Server-side encryption headers, applied to every request that creates an object. */
record Sse(String mode, String kmsKeyId) {
  static Sse of(S3Options options) {
    return new Sse(options.sse(), options.kmsKeyId());
  }

  PutObjectRequest.Builder apply(PutObjectRequest.Builder request) {
    if (mode != null) {
      request.serverSideEncryption(ServerSideEncryption.fromValue(mode));
      if (kmsKeyId != null) {
        request.ssekmsKeyId(kmsKeyId);
      }
    }
    return request;
  }

  CreateMultipartUploadRequest.Builder apply(CreateMultipartUploadRequest.Builder request) {
    if (mode != null) {
      request.serverSideEncryption(ServerSideEncryption.fromValue(mode));
      if (kmsKeyId != null) {
        request.ssekmsKeyId(kmsKeyId);
      }
    }
    return request;
  }
}
