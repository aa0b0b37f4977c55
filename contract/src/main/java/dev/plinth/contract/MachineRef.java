/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The machine a task is for. When {@code systemUuid} or {@code serial} is set, the dispatcher
 * compares it with the machine's DMI data and refuses a task meant for another machine.
 *
 * @param id the controller's machine id
 * @param systemUuid SMBIOS system UUID ({@code /sys/class/dmi/id/product_uuid}), or null
 * @param serial SMBIOS system serial ({@code /sys/class/dmi/id/product_serial}), or null
 */
@JsonPropertyOrder({"id", "systemUuid", "serial"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MachineRef(String id, String systemUuid, String serial) {}
