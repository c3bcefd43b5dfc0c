var e=Object.create,t=Object.defineProperty,n=Object.getOwnPropertyDescriptor,r=Object.getOwnPropertyNames,i=Object.getPrototypeOf,a=Object.prototype.hasOwnProperty,o=(e,t,n)=>()=>{if(n)throw n[0];try{return e&&(t=e(e=0)),t}catch(e){throw n=[e],e}},s=(e,t)=>()=>(t||(e((t={exports:{}}).exports,t,t.exports),e=null),t.exports),c=(e,n)=>{let r={};for(var i in e)t(r,i,{get:e[i],enumerable:!0});return n||t(r,Symbol.toStringTag,{value:`Module`}),r},l=(e,i,o,s)=>{if(i&&typeof i==`object`||typeof i==`function`)for(var c=r(i),l=0,u=c.length,d;l<u;l++)d=c[l],!a.call(e,d)&&d!==o&&t(e,d,{get:(e=>i[e]).bind(null,d),enumerable:!(s=n(i,d))||s.enumerable});return e},u=(n,r,o)=>(o=n==null?{}:e(i(n)),l(r||!n||!n.__esModule||!a.call(n,`default`)?t(o,`default`,{value:n,enumerable:!0}):o,n)),d=e=>a.call(e,`module.exports`)?e[`module.exports`]:l(t({},`__esModule`,{value:!0}),e),f=`evidence { quote start end section document url note }`,p=`id kind name nameEn`,m=`query Search($text: String!, $first: Int) {
  search(text: $text, first: $first) {
    score
    matched
    match
    entity { ${p} degree }
  }
}`,h=`query Neighbourhood($ids: [ID!]!, $hops: Int, $limit: Int) {
  subgraph(ids: $ids, hops: $hops, limit: $limit) {
    truncated
    nodes { id label labelEn kind degree hop }
    edges { id source target predicate label labelEn inferred }
  }
}`,g=`query Entity($id: ID!) {
  entity(id: $id) {
    ${p}
    aliases
    description
    descriptionEn
    degree
    documents
    attributes { key value unit type }
    ${f}
    relations(first: 100) {
      totalCount
      nodes {
        id predicate label labelEn symmetric inferred
        from { ${p} }
        to { ${p} }
        ${f}
      }
    }
  }
}`,_=`query Relation($id: ID!) {
  relation(id: $id) {
    id predicate label labelEn symmetric inferred document
    from { ${p} }
    to { ${p} }
    ${f}
  }
}`,v=`query Partners($id: ID!, $first: Int) {
  entity(id: $id) { ${p} degree }
  partners(id: $id, first: $first) {
    strength
    partner { ${p} degree }
    via { ${p} }
    relations {
      id predicate label labelEn
      from { ${p} }
      to { ${p} }
      ${f}
    }
  }
}`;function y(e){return`query PartnersAmong(${Array.from({length:e},(e,t)=>`$id${t}: ID!`).join(`, `)}) {\n${Array.from({length:e},(e,t)=>`  p${t}: partners(id: $id${t}, first: 50) { strength partner { id } }`).join(`
`)}\n}`}var b=`query Paths($from: ID!, $to: ID!, $maxHops: Int, $first: Int) {
  paths(from: $from, to: $to, maxHops: $maxHops, first: $first) {
    length
    nodes { ${p} degree }
    relations {
      id predicate label labelEn
      from { id }
      to { id }
      ${f}
    }
  }
}`,x=`query Documents {
  documents { id title titleEn text }
}`,S=`query Predicates {
  predicates { id label labelEn symmetric }
}`,C=[{title:`上海交大的合作伙伴 Partners of SJTU`,query:`# 谁与上海交大合作？经由哪些共同的事务？每条关系都带原文引用。
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
}`},{title:`2024年的合作伙伴 Partners as of 2024`,query:`# 2024年时上海交大与谁合作（asOf：只看当时成立的关系），以及各关系的起止时间
# Who worked with SJTU as of 2024 (asOf keeps what held then), with when each relation holds.
query PartnersOfSJTUAsOf2024 {
  partners(id: "org/sjtu", asOf: "2024", first: 20) {
    strength
    partner { id name nameEn kind }
    via { name nameEn }
    relations { label validFrom validTo from { name } to { name } evidence { quote } }
  }
}`},{title:`联盟及其发起方 Alliances and who set them up`,query:`# 联盟及其发起、成立关系与原文（数据来自2024年工作总结）
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
}`},{title:`闵府办发〔2024〕33号落实什么 What 33号 implements`,query:`# 闵府办发〔2024〕33号 落实的是哪项政策？
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
}`},{title:`研发投入指标 R&D indicators`,query:`# 研发经费等指标：数值、单位、年份、变化、排名及所衡量的对象
# R&D spending and other indicators, with what they measure.
query Indicators {
  indicators(first: 100) {
    name nameEn value unit year change rank
    subject { name nameEn }
    evidence { quote section }
  }
}`},{title:`路径 A path`,query:`# 上海交大与闵行区科委之间的最短关系路径，每一跳都有原文依据
# Shortest chains of relations between SJTU and the Minhang S&T Commission.
query PathSJTUToSTC {
  paths(from: "org/sjtu", to: "org/mh-stc", maxHops: 4, first: 3) {
    length
    nodes { id name nameEn kind }
    relations { label labelEn from { name } to { name } evidence { quote section } }
  }
}`},{title:`子图 A subgraph`,query:`# “大零号湾”一跳邻域，可直接载入 Cytoscape / ECharts / G6
# The one-hop neighbourhood of the Greater Neo Bay zone, ready for a graph library.
query NeoBaySubgraph {
  subgraph(ids: ["place/dalinghaowan"], hops: 1, limit: 300) {
    truncated
    nodes { id label labelEn kind degree hop }
    edges { id source target predicate label labelEn }
  }
}`},{title:`统计 Stats`,query:`query Stats {
  stats {
    entities relations documents
    byKind { kind count }
    byPredicate { predicate label labelEn count }
    topConnected(first: 10) { degree entity { id name nameEn kind } }
  }
}`}];function w(e,t){let n=new URLSearchParams({query:e});return t&&Object.keys(t).length&&n.set(`variables`,JSON.stringify(t,null,2)),`/playground?${n}`}export{v as a,_ as c,w as d,s as f,u as g,d as h,h as i,m as l,c as m,g as n,b as o,o as p,C as r,S as s,x as t,y as u};