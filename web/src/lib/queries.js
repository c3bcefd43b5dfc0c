// GraphQL documents used by the explorer. The same text is handed to the
// playground ("open this in the playground"), so what a user sees there is
// exactly the query behind the view.

const EVIDENCE = 'evidence { quote start end section document url note }';
const ENTITY_REF = 'id kind name nameEn';

export const SEARCH = `query Search($text: String!, $first: Int) {
  search(text: $text, first: $first) {
    score
    matched
    match
    entity { ${ENTITY_REF} degree }
  }
}`;

export const NEIGHBOURHOOD = `query Neighbourhood($ids: [ID!]!, $hops: Int, $limit: Int) {
  subgraph(ids: $ids, hops: $hops, limit: $limit) {
    truncated
    nodes { id label labelEn kind degree hop }
    edges { id source target predicate label labelEn inferred }
  }
}`;

export const ENTITY = `query Entity($id: ID!) {
  entity(id: $id) {
    ${ENTITY_REF}
    aliases
    description
    descriptionEn
    degree
    documents
    attributes { key value unit type }
    ${EVIDENCE}
    relations(first: 100) {
      totalCount
      nodes {
        id predicate label labelEn symmetric inferred
        from { ${ENTITY_REF} }
        to { ${ENTITY_REF} }
        ${EVIDENCE}
      }
    }
  }
}`;

export const RELATION = `query Relation($id: ID!) {
  relation(id: $id) {
    id predicate label labelEn symmetric inferred document
    from { ${ENTITY_REF} }
    to { ${ENTITY_REF} }
    ${EVIDENCE}
  }
}`;

export const PARTNERS = `query Partners($id: ID!, $first: Int) {
  entity(id: $id) { ${ENTITY_REF} degree }
  partners(id: $id, first: $first) {
    strength
    partner { ${ENTITY_REF} degree }
    via { ${ENTITY_REF} }
    relations {
      id predicate label labelEn
      from { ${ENTITY_REF} }
      to { ${ENTITY_REF} }
      ${EVIDENCE}
    }
  }
}`;

// Partners of several entities in one request, one alias each; at most
// PARTNERS_AMONG_CHUNK of them (the server limits aliases per operation).
export const PARTNERS_AMONG_CHUNK = 20;

export function partnersAmong(n) {
  const vars = Array.from({ length: n }, (_, i) => `$id${i}: ID!`).join(', ');
  const fields = Array.from({ length: n }, (_, i) => `  p${i}: partners(id: $id${i}, first: 50) { strength partner { id } }`).join('\n');
  return `query PartnersAmong(${vars}) {\n${fields}\n}`;
}

export const PATHS = `query Paths($from: ID!, $to: ID!, $maxHops: Int, $first: Int) {
  paths(from: $from, to: $to, maxHops: $maxHops, first: $first) {
    length
    nodes { ${ENTITY_REF} degree }
    relations {
      id predicate label labelEn
      from { id }
      to { id }
      ${EVIDENCE}
    }
  }
}`;

export const DOCUMENTS = `query Documents {
  documents { id title titleEn text }
}`;

export const PREDICATES = `query Predicates {
  predicates { id label labelEn symmetric }
}`;

// Examples preloaded into the playground, one tab each.
export const EXAMPLES = [
  {
    title: '上海交大的合作伙伴 Partners of SJTU',
    query: `# 谁与上海交大合作？经由哪些共同的事务？每条关系都带原文引用。
# Who works with Shanghai Jiao Tong University, through what, with the sentences that say so.
query PartnersOfSJTU {
  search(text: "上海交大", kinds: [INSTITUTION], first: 1) {
    entity {
      id name nameEn
      partners(first: 20) {
        strength
        partner { id name nameEn kind }
        via { name nameEn kind }
        relations { label from { name } to { name } evidence { quote section } }
      }
    }
  }
}`,
  },
  {
    title: '2024年的合作伙伴 Partners as of 2024',
    query: `# 2024年时上海交大与谁合作（asOf：只看当时成立的关系），以及各关系的起止时间
# Who worked with SJTU as of 2024 (asOf keeps what held then), with when each relation holds.
query PartnersOfSJTUAsOf2024 {
  partners(id: "org/sjtu", asOf: "2024", first: 20) {
    strength
    partner { id name nameEn kind }
    via { name nameEn }
    relations { label validFrom validTo from { name } to { name } evidence { quote } }
  }
}`,
  },
  {
    title: '联盟及其发起方 Alliances and who set them up',
    query: `# 联盟及其发起、成立关系与原文（数据来自2024年工作总结）
# Alliances with who founded or launched them, and the sentence that says so.
query Alliances2024 {
  entities(kind: ALLIANCE, first: 100) {
    totalCount
    nodes {
      id name nameEn
      attributes { key value unit }
      relations(direction: IN, predicates: ["founds", "co_founds", "initiates", "launches"]) {
        nodes { label from { name nameEn } evidence { quote section } }
      }
      evidence { quote section }
    }
  }
}`,
  },
  {
    title: '闵府办发〔2024〕33号落实什么 What 33号 implements',
    query: `# 闵府办发〔2024〕33号 落实的是哪项政策？
# What does the notice 闵府办发〔2024〕33号 implement?
query WhatDoes33Implement {
  search(text: "闵府办发〔2024〕33号", kinds: [POLICY], first: 1) {
    matched
    entity {
      id name nameEn
      attributes { key value unit }
      relations(direction: OUT, predicates: ["implements"]) {
        nodes { label labelEn to { id name nameEn } evidence { quote section start end } }
      }
    }
  }
}`,
  },
  {
    title: '研发投入指标 R&D indicators',
    query: `# 研发经费等指标：数值、单位、年份、变化、排名及所衡量的对象
# R&D spending and other indicators, with what they measure.
query Indicators {
  indicators(first: 100) {
    name nameEn value unit year change rank
    subject { name nameEn }
    evidence { quote section }
  }
}`,
  },
  {
    title: '路径 A path',
    query: `# 上海交大与闵行区科委之间的最短关系路径，每一跳都有原文依据
# Shortest chains of relations between SJTU and the Minhang S&T Commission.
query PathSJTUToSTC {
  paths(from: "org/sjtu", to: "org/mh-stc", maxHops: 4, first: 3) {
    length
    nodes { id name nameEn kind }
    relations { label labelEn from { name } to { name } evidence { quote section } }
  }
}`,
  },
  {
    title: '子图 A subgraph',
    query: `# “大零号湾”一跳邻域，可直接载入 Cytoscape / ECharts / G6
# The one-hop neighbourhood of the Greater Neo Bay zone, ready for a graph library.
query NeoBaySubgraph {
  subgraph(ids: ["place/dalinghaowan"], hops: 1, limit: 300) {
    truncated
    nodes { id label labelEn kind degree hop }
    edges { id source target predicate label labelEn }
  }
}`,
  },
  {
    title: '统计 Stats',
    query: `query Stats {
  stats {
    entities relations documents
    byKind { kind count }
    byPredicate { predicate label labelEn count }
    topConnected(first: 10) { degree entity { id name nameEn kind } }
  }
}`,
  },
];

/** The playground URL that opens `query` with `variables` prefilled. */
export function playgroundURL(query, variables) {
  const p = new URLSearchParams({ query });
  if (variables && Object.keys(variables).length) p.set('variables', JSON.stringify(variables, null, 2));
  return `/playground?${p}`;
}
