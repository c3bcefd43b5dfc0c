// Minimal GraphQL client for the same-origin /graphql endpoint.

export class GraphQLError extends Error {
  constructor(errors) {
    super(errors.map((e) => e.message).join('; '));
    this.errors = errors;
  }
}

/** Runs a query against /graphql and returns its data (throws on errors). */
export async function gql(query, variables = {}, { signal } = {}) {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
    signal,
  });
  let body;
  try {
    body = await res.json();
  } catch {
    throw new Error(`/graphql: HTTP ${res.status}`);
  }
  if (body.errors && body.errors.length) throw new GraphQLError(body.errors);
  if (!res.ok) throw new Error(`/graphql: HTTP ${res.status}`);
  return body.data;
}
