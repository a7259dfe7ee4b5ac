// How verification, checkpoints and evidence bundles name a stream: its type and id, and one string for maps.
export interface StreamRef {
  streamType: string;
  streamId: string;
}

export function streamOfEvent(event: StreamRef): StreamRef {
  return { streamType: event.streamType, streamId: event.streamId };
}

/** One string per stream, for maps. */
export function streamKey(ref: StreamRef): string {
  return `${ref.streamType}/${ref.streamId}`;
}
