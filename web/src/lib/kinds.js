// Entity kinds: display order, colours (same palette as graph/export) and
// bilingual names.
export const KINDS = [
  ['INSTITUTION', '#1f77b4', '机构', 'Institution'],
  ['LAB', '#2ca02c', '实验室/平台', 'Lab / platform'],
  ['ALLIANCE', '#d62728', '联盟', 'Alliance'],
  ['POLICY', '#9467bd', '政策', 'Policy'],
  ['EVENT', '#ff7f0e', '活动', 'Event'],
  ['COMPANY', '#8c564b', '企业', 'Company'],
  ['PERSON', '#e377c2', '人物', 'Person'],
  ['PLACE', '#7f7f7f', '地点', 'Place'],
  ['AWARD', '#bcbd22', '奖项', 'Award'],
  ['FUND', '#17becf', '基金', 'Fund'],
  ['PROJECT', '#aec7e8', '项目', 'Project'],
  ['PROGRAM', '#ffbb78', '计划/品牌', 'Program'],
  ['INDICATOR', '#98df8a', '指标', 'Indicator'],
  ['DOCUMENT', '#c5b0d5', '文件', 'Document'],
].map(([id, color, zh, en]) => ({ id, color, zh, en }));

const byId = new Map(KINDS.map((k) => [k.id, k]));

export function kindInfo(id) {
  return byId.get(id) || { id, color: '#999999', zh: id, en: id };
}
