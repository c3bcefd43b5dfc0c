// Cytoscape stylesheet of the explorer.

// The stylesheet for a graph of n nodes: past a hundred or so nodes, labels
// appear only once zoomed in (edge labels later still) except on the hubs,
// so the overview stays legible at 300 nodes and usable at 2,000.
export function stylesheet(n) {
  const nodeMin = n > 300 ? 16 : n > 120 ? 9 : 5;
  const edgeMin = n > 300 ? 24 : n > 120 ? 14 : 8;
  const size = n > 300 ? 'mapData(degree, 0, 40, 8, 32)' : 'mapData(degree, 0, 40, 16, 56)';
  return [
    {
      selector: 'node',
      style: {
        'background-color': 'data(color)',
        label: 'data(display)',
        'font-size': 11,
        'font-family': 'system-ui, "Noto Sans CJK SC", "Noto Sans SC", sans-serif',
        'text-valign': 'bottom',
        'text-margin-y': 3,
        'text-wrap': 'ellipsis',
        'text-max-width': '140px',
        'min-zoomed-font-size': nodeMin,
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.7,
        'text-background-padding': '1px',
        width: size,
        height: size,
        'border-width': 1,
        'border-color': '#ffffff',
      },
    },
    { selector: 'node.focus', style: { 'border-width': 4, 'border-color': '#222', 'font-weight': 'bold', 'z-index': 10 } },
    { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#e6550d', 'z-index': 11 } },
    {
      selector: 'edge',
      style: {
        width: 'data(width)',
        'line-color': '#b8c0cc',
        'curve-style': 'bezier',
        'target-arrow-shape': 'data(arrow)',
        'target-arrow-color': '#b8c0cc',
        'arrow-scale': 0.8,
        label: 'data(display)',
        'font-size': 9,
        color: '#556',
        'min-zoomed-font-size': edgeMin,
        'text-rotation': 'autorotate',
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.8,
        'text-background-padding': '1px',
      },
    },
    { selector: 'edge.among', style: { 'line-style': 'dashed', 'line-color': '#a6bddb', 'line-opacity': 0.7 } },
    { selector: 'edge.partner', style: { 'line-color': '#74a9cf', 'target-arrow-shape': 'none', 'line-opacity': 0.85 } },
    { selector: 'edge:selected', style: { 'line-color': '#e6550d', 'target-arrow-color': '#e6550d', width: 4, 'z-index': 11 } },
    { selector: 'edge.path', style: { 'line-color': '#fd8d3c', 'target-arrow-color': '#fd8d3c', width: 3 } },
    { selector: 'edge.shortest', style: { 'line-color': '#d94801', 'target-arrow-color': '#d94801', width: 5, 'z-index': 9 } },
    { selector: 'node.shortest', style: { 'border-width': 4, 'border-color': '#d94801' } },
    { selector: '.hidden', style: { display: 'none' } },
    { selector: '.faded', style: { opacity: 0.15 } },
    { selector: 'node.hub', style: { 'font-size': n > 300 ? 16 : 20, 'font-weight': 'bold', 'min-zoomed-font-size': 4, 'z-index': 5 } },
  ];
}
