/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The schema is a valid 2020-12 schema, its published version has a verbatim copy in {@code
 * schema/history}, and every kept version still accepts every example (compatibility).
 */
class SchemaTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path HISTORY = Path.of("schema/history");
  private static final JsonSchemaFactory FACTORY =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

  private static Set<ValidationMessage> againstMetaSchema(JsonNode schema) {
    JsonSchema meta =
        FACTORY.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
    return meta.validate(schema);
  }

  @Test
  void schemaValidatesAgainstThe202012MetaSchema() throws IOException {
    JsonNode schema = JSON.readTree(RecipeSchema.bytes());
    assertThat(schema.path("$schema").asText())
        .isEqualTo("https://json-schema.org/draft/2020-12/schema");
    assertThat(schema.path("$id").asText()).isEqualTo(RecipeSchema.ID);
    assertThat(againstMetaSchema(schema)).isEmpty();
  }

  @Test
  void theMetaSchemaCheckRejectsABrokenSchema() throws IOException {
    JsonNode broken = JSON.readTree("{\"type\": 12, \"properties\": {\"a\": {\"minLength\": -1}}}");
    assertThat(againstMetaSchema(broken)).isNotEmpty();
  }

  @Test
  void thePublishedVersionIsKeptVerbatimInHistory() throws IOException {
    Path copy = HISTORY.resolve("recipe-v" + RecipeSchema.VERSION + ".schema.json");
    assertThat(copy).exists();
    assertThat(Files.readAllBytes(copy))
        .as("the schema changed: raise RecipeSchema.VERSION and add its copy to %s", HISTORY)
        .isEqualTo(RecipeSchema.bytes());
  }

  @Test
  void everyKeptSchemaStillAcceptsEveryExample() throws IOException {
    List<Path> schemas;
    try (Stream<Path> s = Files.list(HISTORY)) {
      schemas = s.filter(p -> p.toString().endsWith(".schema.json")).sorted().toList();
    }
    assertThat(schemas).isNotEmpty();
    YAMLMapper yaml = new YAMLMapper();
    for (Path schemaFile : schemas) {
      JsonSchema schema = FACTORY.getSchema(JSON.readTree(schemaFile.toFile()));
      assertThat(againstMetaSchema(JSON.readTree(schemaFile.toFile()))).isEmpty();
      for (Path example : Fixtures.examples()) {
        assertThat(schema.validate(yaml.readTree(example.toFile())))
            .as("%s against %s", example, schemaFile)
            .isEmpty();
      }
    }
  }

  @Test
  void theSchemaRejectsWhatTheParserRejectsForShape() throws IOException {
    JsonSchema schema = FACTORY.getSchema(JSON.readTree(RecipeSchema.bytes()));
    JsonNode bad = new YAMLMapper().readTree("apiVersion: plinth.dev/v1\nkind: Recipe\n");
    assertThat(schema.validate(bad)).extracting(ValidationMessage::getType).contains("required");
  }

  @Test
  void theSchemaStreamIsServable() throws IOException {
    try (var in = RecipeSchema.open()) {
      assertThat(in.readAllBytes()).isEqualTo(RecipeSchema.bytes());
    }
    assertThat(RecipeSchema.MEDIA_TYPE).isEqualTo("application/schema+json");
  }
}
