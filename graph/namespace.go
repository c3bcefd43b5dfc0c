package graph

// The RDF namespace of the graph (graph/doc.go, "Quad mapping"): the store's
// quads and every RDF export name resources with these IRIs. They are
// identifiers only: nothing is ever fetched from them.
const (
	NS       = "https://minhang-kg.github.io/kg/"
	NSID     = NS + "id/"     // entities, documents, relations: NSID + ID
	NSRel    = NS + "rel#"    // relation predicates
	NSKind   = NS + "kind#"   // entity kinds
	NSAttr   = NS + "attr#"   // attribute keys
	NSUnit   = NS + "unit#"   // attribute units
	NSSchema = NS + "schema#" // the mapping's own properties
	NSAudit  = NS + "audit/"  // audit entries
)
