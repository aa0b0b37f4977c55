/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.storage;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * An OCI content descriptor as it appears on the wire (referrers responses, index entries).
 *
 * @param mediaType the content's media type
 * @param digest its digest, wire form
 * @param size its length
 * @param artifactType the artifact type, if any
 * @param annotations its annotations, if any
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Descriptor(
    @JsonProperty("mediaType") String mediaType,
    @JsonProperty("digest") String digest,
    @JsonProperty("size") long size,
    @JsonProperty("artifactType") String artifactType,
    @JsonProperty("annotations") Map<String, String> annotations) {}
