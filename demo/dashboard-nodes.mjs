// FlowFuse Dashboard 2.0 node definitions shared by the demo flow and the dashboard example:
// a page with a live chart of the emotion probabilities and a text with the routed emotion.

export const EMOTION_COLOURS = ['#d62728', '#ff9f1c', '#7f7f7f', '#1f77b4'];

/**
 * ui-base, ui-theme, ui-page and ui-group config nodes; ids are prefixed with `prefix`. Ids differ
 * between the demo and the examples on purpose: an import with a clashing id stops at Node-RED's
 * conflict dialog, while the dashboard's editor itself merges a second ui-base into the first.
 */
export function dashboardConfigNodes(prefix, { path = '/dashboard', pageName = 'Speech emotion', pagePath = '/emotion' } = {}) {
  return [
    {
      id: `${prefix}-ui-base`,
      type: 'ui-base',
      name: 'Speech emotion',
      path,
      appIcon: '',
      includeClientData: true,
      acceptsClientConfig: ['ui-notification', 'ui-control'],
      showPathInSidebar: false,
      headerContent: 'page',
      navigationStyle: 'default',
      titleBarStyle: 'default',
      showReconnectNotification: true,
      notificationDisplayTime: 1,
      showDisconnectNotification: true,
      allowInstall: false,
    },
    {
      id: `${prefix}-ui-theme`,
      type: 'ui-theme',
      name: 'Speech emotion theme',
      colors: { surface: '#ffffff', primary: '#8c564b', bgPage: '#f5f3f0', groupBg: '#ffffff', groupOutline: '#d9d3cc' },
      sizes: { density: 'default', pagePadding: '12px', groupGap: '12px', groupBorderRadius: '4px', widgetGap: '12px' },
    },
    {
      id: `${prefix}-ui-page`,
      type: 'ui-page',
      name: pageName,
      ui: `${prefix}-ui-base`,
      path: pagePath,
      icon: 'waveform',
      layout: 'grid',
      theme: `${prefix}-ui-theme`,
      breakpoints: [
        { name: 'Default', px: '0', cols: '3' },
        { name: 'Tablet', px: '576', cols: '6' },
        { name: 'Small Desktop', px: '768', cols: '9' },
        { name: 'Desktop', px: '1024', cols: '12' },
      ],
      order: 1,
      className: '',
      visible: 'true',
      disabled: 'false',
    },
    {
      id: `${prefix}-ui-group`,
      type: 'ui-group',
      name: 'Live emotion',
      page: `${prefix}-ui-page`,
      width: '12',
      height: '1',
      order: 1,
      showTitle: true,
      className: '',
      visible: 'true',
      disabled: 'false',
      groupType: 'default',
    },
  ];
}

/**
 * A function node that turns an mt-a-dnn-infer message into one chart point per emotion
 * (msg.topic = emotion, msg.payload = probability), then the chart itself.
 */
export function probabilityChartNodes(prefix, { tab, x, y }) {
  return [
    {
      id: `${prefix}-to-points`,
      type: 'function',
      z: tab,
      name: 'probabilities → chart points',
      func: [
        '// One point per emotion: the chart draws one line per msg.topic.',
        'const p = msg.payload && msg.payload.probabilities;',
        'if (!p) return null;',
        'return [Object.keys(p).map((emotion) => ({ topic: emotion, payload: Math.round(p[emotion] * 1000) / 1000, streamId: msg.streamId }))];',
      ].join('\n'),
      outputs: 1,
      timeout: 0,
      noerr: 0,
      initialize: '',
      finalize: '',
      libs: [],
      x,
      y,
      wires: [[`${prefix}-chart`]],
    },
    {
      id: `${prefix}-chart`,
      type: 'ui-chart',
      z: tab,
      group: `${prefix}-ui-group`,
      name: 'emotion probabilities',
      label: 'Emotion probabilities',
      order: 1,
      chartType: 'line',
      category: 'topic',
      categoryType: 'msg',
      xAxisLabel: '',
      xAxisProperty: '',
      xAxisPropertyType: 'timestamp',
      xAxisType: 'time',
      xAxisFormat: '',
      xAxisFormatType: 'auto',
      xmin: '',
      xmax: '',
      yAxisLabel: 'probability',
      yAxisProperty: 'payload',
      yAxisPropertyType: 'msg',
      ymin: '0',
      ymax: '1',
      bins: 10,
      action: 'append',
      stackSeries: false,
      pointShape: 'circle',
      pointRadius: 3,
      showLegend: true,
      removeOlder: '2',
      removeOlderUnit: '60',
      removeOlderPoints: '',
      colors: [...EMOTION_COLOURS, '#a347e1', '#d62728', '#ff9896', '#9467bd', '#c5b0d5'],
      textColor: ['#666666'],
      textColorDefault: true,
      gridColor: ['#e5e5e5'],
      gridColorDefault: true,
      width: '12',
      height: '6',
      className: '',
      interpolation: 'linear',
      x: x + 240,
      y,
      wires: [[]],
    },
  ];
}

/** A function node that phrases an emotion-router message, and a ui-text that shows it. */
export function routedEmotionTextNodes(prefix, { tab, x, y }) {
  return [
    {
      id: `${prefix}-describe`,
      type: 'function',
      z: tab,
      name: 'describe routed emotion',
      func: [
        'const r = msg.payload;',
        'const since = new Date(r.since).toLocaleTimeString();',
        "msg.payload = `${r.emotion} (${Math.round(r.confidence * 100)} %) since ${since}` + (r.previous ? `, before: ${r.previous}` : '');",
        'return msg;',
      ].join('\n'),
      outputs: 1,
      timeout: 0,
      noerr: 0,
      initialize: '',
      finalize: '',
      libs: [],
      x,
      y,
      wires: [[`${prefix}-emotion-text`]],
    },
    {
      id: `${prefix}-emotion-text`,
      type: 'ui-text',
      z: tab,
      group: `${prefix}-ui-group`,
      order: 2,
      width: '12',
      height: '1',
      name: 'routed emotion',
      label: 'Routed emotion',
      format: '{{msg.payload}}',
      layout: 'row-spread',
      style: false,
      font: '',
      fontSize: 16,
      color: '#717171',
      wrapText: false,
      className: '',
      value: 'payload',
      valueType: 'msg',
      x: x + 240,
      y,
      wires: [],
    },
  ];
}
