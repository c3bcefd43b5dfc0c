// Package graph is the domain model of Minhang KG: entities, relations with
// sentence-level evidence, the closed predicate vocabulary, and the Store
// interface every backend implements.
//
// # Quad mapping
//
// The Cayley-backed store (graph/cayleystore) keeps everything as RDF quads.
// All IRIs live under one namespace, NS = https://minhang-kg.github.io/kg/
// (graph.NS and its parts in namespace.go):
//
//	entity or document      NS id/<ID>          e.g. <NS id/org/sjtu>, <NS id/doc/mkw-2025-11>
//	relation (statement)    NS id/<relationID>  e.g. <NS id/rel/0123456789abcdef>
//	relation predicate      NS rel#<predicate>  e.g. <NS rel#co_builds>
//	entity kind (class)     NS kind#<KIND>      e.g. <NS kind#INSTITUTION>
//	attribute               NS attr#<key>       value as a typed literal
//	attribute unit          NS unit#<key>       plain literal
//	store vocabulary        NS schema#<term>    evidence, statedIn, title, digest, text, Document, ...
//
// Standard vocabularies are used where they fit: rdf:type, rdfs:label,
// rdfs:comment, skos:altLabel, rdf:JSON, and dcterms:issued and
// dcterms:temporal (http://purl.org/dc/terms/) for a document's date and
// period.
//
// Every fact knows its document through the quad label (the fourth
// element). An entity's facts stated by document D are labelled <NS id/D>:
//
//	<id/org/sjtu> rdf:type       <kind#INSTITUTION>                         <id/D> .
//	<id/org/sjtu> rdfs:label     "上海交通大学"@zh                            <id/D> .
//	<id/org/sjtu> rdfs:label     "Shanghai Jiao Tong University"@en         <id/D> .
//	<id/org/sjtu> skos:altLabel  "上海交大"                                  <id/D> .   (one per alias)
//	<id/org/sjtu> rdfs:comment   "位于闵行区的国家重点大学"@zh                 <id/D> .   (description)
//	<id/org/sjtu> rdfs:comment   "National key university in Minhang"@en   <id/D> .   (descriptionEn)
//	<id/ind/rd>   <attr#value>   "266.18"^^xsd:decimal                      <id/D> .
//	<id/ind/rd>   <unit#value>   "亿元"                                      <id/D> .
//	<id/org/sjtu> schema:evidence "{…}"^^rdf:JSON                           <id/D> .   (one per evidence)
//
// Attribute types map to datatypes: text → plain string, integer →
// xsd:integer, number → xsd:decimal, date → xsd:date / xsd:gYearMonth /
// xsd:gYear (by the form of the value), docno → <NS schema#DocNo>. An
// attribute's unit is one unit#<key> quad per entity, key and document, so
// within one document all values of a key share a unit.
//
// Evidence is one rdf:JSON literal per evidence item:
// {"quote":…,"start":…,"end":…,"section":…,"url":…,"note":…,"document":…}
// ("document" only when the evidence cites a document other than the one
// stating the fact). One quad per citation keeps an entity at about 8–10
// quads and lets a relation be read with one extra index lookup.
//
// A relation is one quad whose label is its statement node; the statement
// node says which document states it and carries the evidence:
//
//	<id/org/mh-stc>  <rel#co_builds>   <id/place/dalinghaowan> <id/rel/…> .
//	<id/rel/…>       schema:statedIn   <id/D>                  <id/D> .
//	<id/rel/…>       schema:evidence   "{…}"^^rdf:JSON         <id/D> .
//	<id/rel/…>       schema:validFrom  "2024-05"^^xsd:gYearMonth <id/D> .   (Relation.ValidFrom, when set)
//	<id/rel/…>       schema:validTo    "2025"^^xsd:gYear       <id/D> .   (Relation.ValidTo, when set)
//	<id/rel/…>       <attr#amount>     "5000"^^xsd:decimal     <id/D> .   (Relation.Attributes)
//	<id/rel/…>       <unit#amount>     "万元"                   <id/D> .
//
// Validity dates are typed by precision like date attributes (xsd:gYear,
// xsd:gYearMonth, xsd:date); relation attributes are encoded exactly as
// entity attributes, on the statement node, one unit per key and relation.
// Stores refuse (ErrInvalid, naming the relation ID and the field) a
// malformed date, a validTo ending before validFrom starts, an attribute
// whose value does not fit its type, and one relation ID given twice with
// different validity.
//
// Symmetric relations are stored once, with the smaller ID as subject; reads
// return them from both ends.
//
// A document is described by quads about its own IRI, labelled with itself:
//
//	<id/D> rdf:type         schema:Document   <id/D> .   (marks the document as loaded)
//	<id/D> schema:title     "…"@zh / "…"@en   <id/D> .
//	<id/D> schema:digest    "sha256:…"        <id/D> .
//	<id/D> schema:text      "…full text…"     <id/D> .
//	<id/D> dcterms:issued   "2025-11-05"^^xsd:date  <id/D> .   (Document.Date, YYYY-MM-DD)
//	<id/D> dcterms:temporal "2024-01/2024-11" <id/D> .   (Document.Period, plain literal)
//
// The document's own entity (kind DOCUMENT, same ID) shares the IRI.
//
// Hence the quads of document D are exactly: the quads labelled <id/D>, and
// the relation quads labelled with a statement node that has
// "schema:statedIn <id/D>". ReplaceDocument reads that set, diffs it with the
// encoding of the new facts and applies the difference atomically: on
// memory and PostgreSQL in one Cayley ApplyDeltas call (one transaction on
// PostgreSQL); on bbolt in one bbolt transaction, the deletions through
// Cayley's ApplyDeltas and the additions written by graph/cayleystore
// straight into Cayley's kv layout (kvwrite.go, tested to leave exactly
// what ApplyDeltas leaves), which is 1.5x faster and keeps a small write
// proportional to the write, not to the store. SyncDocuments does the same
// over the union of every given document's diff and the whole quad set of
// every stored document it removes (all but CurationDocument), in one
// write; references are checked against the state after it.
//
// Two store-internal graphs live beside the facts:
//
//	<NS meta>      schema:generation "42"^^xsd:integer  <NS graph/meta> .   (bumped in every write's delta)
//	<NS audit/ID>  schema:auditEntry "{…}"^^rdf:JSON    <NS graph/audit> .  (one per curation change)
//
// Reads merge the facts of several documents about one entity: the first
// document (by ID) that gives a kind, name, English name or description
// wins; aliases, attributes and evidence are the union, in a stable order
// (aliases sorted; attributes by document then key then value; evidence by
// document, start, end, quote). An entity exists while some document gives
// it a kind; Entity.Documents lists those documents. On read, an attribute
// without a type comes back as "text" and evidence without a document names
// the document stating the fact.
//
// Stats.Quads counts every stored quad, the meta and audit graphs
// included. ExportNQuads writes every quad but the meta graph (the
// generation is the store's own: a restore bumps the target's), sorted, so
// equal graphs export to equal bytes whatever their history.
//
// Indexes: Cayley's memstore indexes all four directions. Its kv (bbolt)
// store indexes subject and object only, so new bbolt files also get
// predicate and label indexes; on PostgreSQL a label index is added to
// Cayley's schema. Reads by subject, object, predicate (relations of one
// kind, audit) and label (a document's facts, a relation by ID) are
// therefore index lookups on every backend.
package graph
