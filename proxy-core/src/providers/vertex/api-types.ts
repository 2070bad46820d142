/** The Vertex AI wire shapes Keybridge reads (beyond the Gemini and Claude bodies). */

/** A Model Garden entry, e.g. `{name: "publishers/google/models/gemini-2.5-flash", versionId}`. */
export interface VertexPublisherModel {
  name?: unknown;
  versionId?: unknown;
}

/** GET publishers/{publisher}/models: one page. */
export interface VertexPublisherModelsPage {
  publisherModels?: VertexPublisherModel[];
  nextPageToken?: string;
}
