/**
 * Schema-only twins of Kubernetes types embedded in our specs. fabric8's model classes carry no
 * field descriptions, so the CRD generator is pointed at these (via {@code @SchemaFrom}) to give
 * {@code kubectl explain} something to say; at run time the fields keep the fabric8 types.
 */
package dev.lifeboat.api.v1alpha1.schema;
