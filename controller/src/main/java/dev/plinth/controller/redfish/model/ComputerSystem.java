/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A ComputerSystem: the server Plinth provisions. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ComputerSystem(
    @JsonProperty("@odata.id") String odataId,
    @JsonProperty("@odata.etag") String odataEtag,
    @JsonProperty("Id") String id,
    @JsonProperty("Name") String name,
    @JsonProperty("SystemType") String systemType,
    @JsonProperty("Manufacturer") String manufacturer,
    @JsonProperty("Model") String model,
    @JsonProperty("SerialNumber") String serialNumber,
    @JsonProperty("UUID") String uuid,
    @JsonProperty("PowerState") String powerState,
    @JsonProperty("BiosVersion") String biosVersion,
    @JsonProperty("Boot") Boot boot,
    @JsonProperty("EthernetInterfaces") ODataId ethernetInterfaces,
    @JsonProperty("SimpleStorage") ODataId simpleStorage,
    @JsonProperty("Storage") ODataId storage,
    @JsonProperty("VirtualMedia") ODataId virtualMedia,
    @JsonProperty("Links") Links links,
    @JsonProperty("Actions") Actions actions,
    @JsonProperty("@Redfish.Settings") Settings settings,
    @JsonProperty("ProcessorSummary") ProcessorSummary processorSummary,
    @JsonProperty("MemorySummary") MemorySummary memorySummary) {

  /** {@code ProcessorSummary}: how many processors (sockets), their model, logical CPUs. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ProcessorSummary(
      @JsonProperty("Count") Integer count,
      @JsonProperty("Model") String model,
      @JsonProperty("LogicalProcessorCount") Integer logicalProcessorCount) {}

  /** {@code MemorySummary}: the installed memory. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record MemorySummary(@JsonProperty("TotalSystemMemoryGiB") Double totalGiB) {}

  /** {@code Links}: the managers of this system. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Links(
      @JsonProperty("ManagedBy") List<ODataId> managedBy,
      @JsonProperty("Chassis") List<ODataId> chassis) {}

  /** {@code Actions}: the reset action. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Actions(@JsonProperty("#ComputerSystem.Reset") ResetAction reset) {}

  /** {@code #ComputerSystem.Reset}, with its allowable reset types. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ResetAction(
      @JsonProperty("target") String target,
      @JsonProperty("ResetType@Redfish.AllowableValues") List<String> allowedResetTypes,
      @JsonProperty("@Redfish.ActionInfo") String actionInfo) {}

  /** {@code @Redfish.Settings}: where pending settings are written on some BMCs. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Settings(@JsonProperty("SettingsObject") ODataId settingsObject) {}

  /** The managers, never null. */
  public List<ODataId> managedBy() {
    return links == null || links.managedBy() == null ? List.of() : links.managedBy();
  }

  /** The reset action, or null. */
  public ResetAction resetAction() {
    return actions == null ? null : actions.reset();
  }
}
