// Writes examples/*.json, the flows Node-RED lists under Import > Examples for this package.
// Usage: node demo/make-examples.mjs   (the generated files are committed)
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dashboardConfigNodes, probabilityChartNodes, routedEmotionTextNodes } from './dashboard-nodes.mjs';
import { PROJECT_ROOT } from './runtime/user-dir.mjs';
import { arrange } from './flow-layout.mjs';
import { audioSourceNode, emotionRouterNode, featureWindowNode, inferNode } from './pipeline-nodes.mjs';

/**
 * audio-source looks for a relative path in the Node-RED user directory, then in this package's folder:
 * the package's demo clips, in any install and whatever folder Node-RED was started from.
 */
export const DEFAULT_AUDIO = 'demo/clips';
export const AUDIO_ENV = 'SPEECH_EMOTION_AUDIO';

function tab(id, label, info, audio = `${DEFAULT_AUDIO}/02-bright-high.wav`) {
  return {
    id,
    type: 'tab',
    label,
    disabled: false,
    info,
    env: [{ name: AUDIO_ENV, value: audio, type: 'str' }],
  };
}

function comment(id, z, name, info, x, y) {
  return { id, type: 'comment', z, name, info, x, y, wires: [] };
}

function fileSource(id, z, { name, loop, autostart, realtime, x, y, wires }) {
  return audioSourceNode({
    id,
    z,
    name,
    mode: 'file',
    streamId: 'living-room',
    path: AUDIO_ENV,
    pathType: 'env',
    realtime,
    loop,
    autostart,
    x,
    y,
    wires,
  });
}

function recognition(prefix, z, { x, y, wires }) {
  return [
    featureWindowNode({ id: `${prefix}-features`, z, x, y, wires: [[`${prefix}-infer`]] }),
    inferNode({ id: `${prefix}-infer`, z, x: x + 180, y, wires }),
  ];
}

function router(id, z, props, { x, y, wires }) {
  return emotionRouterNode({ id, z, ...props, x, y, wires });
}

function debug(id, z, name, { x, y, complete = 'payload' }) {
  return {
    id,
    type: 'debug',
    z,
    name,
    active: true,
    tosidebar: true,
    console: false,
    tostatus: false,
    complete,
    targetType: complete === 'true' ? 'full' : 'msg',
    statusVal: '',
    statusType: 'auto',
    x,
    y,
    wires: [],
  };
}

function functionNode(id, z, name, func, { x, y, wires, outputs = 1 }) {
  return { id, type: 'function', z, name, func, outputs, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [], x, y, wires };
}

// 1. A WAV file -> emotion -> debug
function wavFileToDebug() {
  const z = 'ex1-tab';
  return arrange(
    [
      tab(
        z,
        'Emotion of a WAV file',
        `Plays a WAV file through the recogniser and shows each window's emotion in the debug sidebar.\n\nSet the flow's environment variable ${AUDIO_ENV} (tab properties) to your own WAV file or folder; the default is a demo clip of this package. A relative path is looked for in the Node-RED user directory first, then in this package.`,
      ),
      comment(
        'ex1-comment',
        z,
        'WAV file → emotion → debug',
        `Click the inject button to play the file again. Set ${AUDIO_ENV} in the tab properties to use your own file.`,
        180,
        40,
      ),
      {
        id: 'ex1-inject',
        type: 'inject',
        z,
        name: 'play',
        props: [{ p: 'payload' }],
        repeat: '',
        crontab: '',
        once: true,
        onceDelay: '1',
        topic: '',
        payload: 'start',
        payloadType: 'str',
        x: 110,
        y: 100,
        wires: [['ex1-audio']],
      },
      fileSource('ex1-audio', z, {
        name: 'demo clip',
        loop: false,
        autostart: false,
        realtime: false,
        x: 270,
        y: 100,
        wires: [['ex1-features']],
      }),
      ...recognition('ex1', z, { x: 450, y: 100, wires: [['ex1-debug-prediction', 'ex1-router']] }),
      debug('ex1-debug-prediction', z, 'emotion per window', { x: 890, y: 100 }),
      router('ex1-router', z, { cooldown: 0 }, { x: 640, y: 180, wires: [[], [], [], [], [], ['ex1-debug-changes']] }),
      debug('ex1-debug-changes', z, 'emotion changes', { x: 880, y: 180 }),
    ],
    [
      { y: 40, ids: ['ex1-comment'] },
      { y: 100, ids: ['ex1-inject', 'ex1-audio', 'ex1-features', 'ex1-infer', 'ex1-debug-prediction'] },
      { y: 200, left: 540, ids: ['ex1-router', 'ex1-debug-changes'] },
    ],
  );
}

// 2. Microphone -> emotion -> live chart on a dashboard
function microphoneToDashboard() {
  const z = 'ex2-tab';
  const problem = [
    "// The microphone's status turns red when it cannot be opened (no device, no arecord): say so on the dashboard.",
    "if (msg.status.fill !== 'red') return null;",
    'msg.payload = `Microphone: ${msg.status.text}`;',
    'return msg;',
  ].join('\n');
  const buttons = [
    ['ex2-listen', 'Listen', 'start', 'microphone'],
    ['ex2-stop', 'Stop', 'stop', 'stop'],
  ].map(([id, label, payload, icon], i) => ({
    id,
    type: 'ui-button',
    z,
    group: 'ex2-ui-group',
    name: '',
    label,
    order: 3 + i,
    width: '2',
    height: '1',
    emulateClick: false,
    tooltip: '',
    color: '',
    bgcolor: '',
    className: '',
    icon,
    iconPosition: 'left',
    payload,
    payloadType: 'str',
    topic: 'topic',
    topicType: 'msg',
    buttonColor: '',
    textColor: '',
    iconColor: '',
    enableClick: true,
    enablePointerdown: false,
    pointerdownPayload: '',
    pointerdownPayloadType: 'str',
    enablePointerup: false,
    pointerupPayload: '',
    pointerupPayloadType: 'str',
    x: 110,
    y: 100 + 40 * i,
    wires: [['ex2-audio']],
  }));
  return arrange(
    [
      tab(
        z,
        'Microphone emotion dashboard',
        'Listens to the default microphone (arecord) and charts the emotion probabilities live on the dashboard page "Microphone emotion" (/dashboard/microphone). Use the Listen and Stop buttons on the dashboard or the inject nodes. When the microphone cannot be opened, the dashboard shows why.',
      ),
      comment(
        'ex2-comment',
        z,
        'Microphone → emotion → dashboard chart',
        'Needs @flowfuse/node-red-dashboard. Open /dashboard/microphone and press Listen.',
        200,
        40,
      ),
      ...buttons,
      {
        id: 'ex2-inject-start',
        type: 'inject',
        z,
        name: 'listen',
        props: [{ p: 'payload' }],
        repeat: '',
        crontab: '',
        once: false,
        onceDelay: 0.1,
        topic: '',
        payload: 'start',
        payloadType: 'str',
        x: 110,
        y: 200,
        wires: [['ex2-audio']],
      },
      {
        id: 'ex2-inject-stop',
        type: 'inject',
        z,
        name: 'stop',
        props: [{ p: 'payload' }],
        repeat: '',
        crontab: '',
        once: false,
        onceDelay: 0.1,
        topic: '',
        payload: 'stop',
        payloadType: 'str',
        x: 110,
        y: 240,
        wires: [['ex2-audio']],
      },
      audioSourceNode({
        id: 'ex2-audio',
        z,
        name: 'microphone',
        mode: 'microphone',
        streamId: 'microphone',
        recorder: 'arecord',
        autostart: false,
        x: 300,
        y: 160,
        wires: [['ex2-features']],
      }),
      ...recognition('ex2', z, { x: 470, y: 160, wires: [['ex2-to-points', 'ex2-router']] }),
      {
        id: 'ex2-mic-status',
        type: 'status',
        z,
        name: 'microphone status',
        scope: ['ex2-audio'],
        x: 0,
        y: 0,
        wires: [['ex2-mic-problem']],
      },
      functionNode('ex2-mic-problem', z, 'microphone problem', problem, { x: 0, y: 0, wires: [['ex2-notify']] }),
      {
        id: 'ex2-notify',
        type: 'ui-notification',
        z,
        ui: 'ex2-ui-base',
        position: 'top right',
        colorDefault: false,
        color: '#d62728',
        displayTime: '10',
        showCountdown: true,
        outputs: 1,
        allowDismiss: true,
        dismissText: 'Close',
        allowConfirm: false,
        confirmText: 'Confirm',
        raw: false,
        className: '',
        name: 'show on dashboard',
        x: 0,
        y: 0,
        wires: [[]],
      },
      ...dashboardConfigNodes('ex2', { pageName: 'Microphone emotion', pagePath: '/microphone' }),
      ...probabilityChartNodes('ex2', { tab: z, x: 860, y: 120 }),
      router('ex2-router', z, { cooldown: 0 }, { x: 660, y: 240, wires: [[], [], [], [], [], ['ex2-describe']] }),
      ...routedEmotionTextNodes('ex2', { tab: z, x: 880, y: 240 }),
    ],
    [
      { y: 40, ids: ['ex2-comment'] },
      { y: 100, ids: ['ex2-listen'] },
      { y: 160, ids: ['ex2-stop', 'ex2-audio', 'ex2-features', 'ex2-infer'] },
      { y: 220, ids: ['ex2-inject-start'] },
      { y: 280, ids: ['ex2-inject-stop'] },
      { y: 100, left: 780, ids: ['ex2-to-points', 'ex2-chart'] },
      { y: 240, left: 780, ids: ['ex2-router', 'ex2-describe', 'ex2-emotion-text'] },
      { y: 360, left: 180, ids: ['ex2-mic-status', 'ex2-mic-problem', 'ex2-notify'] },
    ],
  );
}

const MQTT_BROKER = {
  type: 'mqtt-broker',
  name: 'local broker',
  broker: 'localhost',
  port: '1883',
  clientid: '',
  autoConnect: true,
  usetls: false,
  protocolVersion: '4',
  keepalive: '60',
  cleansession: true,
  autoUnsubscribe: true,
  birthQos: '0',
  birthRetain: 'false',
  birthPayload: '',
  birthMsg: {},
  closeQos: '0',
  closeRetain: 'false',
  closePayload: '',
  closeMsg: {},
  willQos: '0',
  willRetain: 'false',
  willPayload: '',
  willMsg: {},
  userProps: '',
  sessionExpiry: '',
  birthTopic: '',
  closeTopic: '',
  willTopic: '',
};

function mqttOut(id, z, broker, name, { x, y, topic = '', retain = '' }) {
  return {
    id,
    type: 'mqtt out',
    z,
    name,
    topic,
    qos: '1',
    retain,
    respTopic: '',
    contentType: '',
    userProps: '',
    correl: '',
    expiry: '',
    broker,
    x,
    y,
    wires: [],
  };
}

export const HA_AVAILABILITY_TOPIC = 'speech-emotion/living-room/availability';
export const HA_STATE_TOPIC = 'speech-emotion/living-room/state';

// 3. Emotion -> Home Assistant over MQTT discovery
function homeAssistant() {
  const z = 'ex3-tab';
  const broker = 'ex3-broker';
  const discovery = [
    '// Home Assistant MQTT discovery: one device with an enum sensor (the emotion) and a',
    '// confidence sensor. Retained, so Home Assistant finds them whenever it starts.',
    `const availability = [{ topic: '${HA_AVAILABILITY_TOPIC}', payload_available: 'online', payload_not_available: 'offline' }];`,
    "const device = { identifiers: ['speech_emotion_living_room'], name: 'Speech emotion (living room)', manufacturer: 'node-red-contrib-speech-emotion', model: 'MT-A-DNN' };",
    `const state_topic = '${HA_STATE_TOPIC}';`,
    'return [[',
    '    {',
    "        topic: 'homeassistant/sensor/speech_emotion_living_room/emotion/config',",
    '        retain: true,',
    '        payload: {',
    "            name: 'Emotion', unique_id: 'speech_emotion_living_room_emotion', state_topic,",
    "            value_template: '{{ value_json.emotion }}', device_class: 'enum',",
    "            options: ['anger', 'happiness', 'neutral', 'sadness', 'uncertain'],",
    "            icon: 'mdi:emoticon-outline', availability, device",
    '        }',
    '    },',
    '    {',
    "        topic: 'homeassistant/sensor/speech_emotion_living_room/confidence/config',",
    '        retain: true,',
    '        payload: {',
    "            name: 'Emotion confidence', unique_id: 'speech_emotion_living_room_confidence', state_topic,",
    "            value_template: '{{ (value_json.confidence * 100) | round(0) }}', unit_of_measurement: '%',",
    "            state_class: 'measurement', icon: 'mdi:gauge', availability, device",
    '        }',
    '    }',
    ']];',
  ].join('\n');
  const state = [
    "// The sensors' state: one retained JSON document, read by both value templates.",
    'const r = msg.payload;',
    `msg.topic = '${HA_STATE_TOPIC}';`,
    'msg.retain = true;',
    'msg.payload = { emotion: r.emotion, confidence: Math.round(r.confidence * 1000) / 1000, since: new Date(r.since).toISOString(), previous: r.previous };',
    'return msg;',
  ].join('\n');
  return arrange(
    [
      tab(
        z,
        'Emotion to Home Assistant (MQTT)',
        `Publishes the recognised emotion to Home Assistant through MQTT discovery: an enum sensor with the four emotions (and uncertain) and a confidence sensor, on one device. The discovery config is retained and re-sent when Home Assistant announces itself on homeassistant/status; the broker connection publishes online/offline on ${HA_AVAILABILITY_TOPIC} (birth, close and last-will messages).\n\nSet the broker in the MQTT config node. The audio comes from ${AUDIO_ENV} (tab properties), a looping demo clip by default; replace the audio-source by a microphone for real use.`,
        `${DEFAULT_AUDIO}`,
      ),
      comment(
        'ex3-comment',
        z,
        'Emotion → Home Assistant (MQTT discovery)',
        'Edit the broker of the mqtt nodes. In Home Assistant the device "Speech emotion (living room)" appears with two sensors.',
        220,
        40,
      ),
      {
        ...MQTT_BROKER,
        id: broker,
        birthTopic: HA_AVAILABILITY_TOPIC,
        birthPayload: 'online',
        birthRetain: 'true',
        closeTopic: HA_AVAILABILITY_TOPIC,
        closePayload: 'offline',
        closeRetain: 'true',
        willTopic: HA_AVAILABILITY_TOPIC,
        willPayload: 'offline',
        willRetain: 'true',
      },
      {
        id: 'ex3-on-start',
        type: 'inject',
        z,
        name: 'on deploy',
        props: [],
        repeat: '',
        crontab: '',
        once: true,
        onceDelay: '0.5',
        topic: '',
        x: 130,
        y: 100,
        wires: [['ex3-discovery']],
      },
      {
        id: 'ex3-ha-status',
        type: 'mqtt in',
        z,
        name: 'Home Assistant restarts',
        topic: 'homeassistant/status',
        qos: '1',
        datatype: 'utf8',
        broker,
        nl: false,
        rap: true,
        rh: 0,
        inputs: 0,
        x: 160,
        y: 150,
        wires: [['ex3-ha-online']],
      },
      {
        id: 'ex3-ha-online',
        type: 'switch',
        z,
        name: 'online?',
        property: 'payload',
        propertyType: 'msg',
        rules: [{ t: 'eq', v: 'online', vt: 'str' }],
        checkall: 'true',
        repair: false,
        outputs: 1,
        x: 370,
        y: 150,
        wires: [['ex3-discovery']],
      },
      functionNode('ex3-discovery', z, 'discovery config', discovery, { x: 560, y: 120, wires: [['ex3-mqtt-discovery']] }),
      mqttOut('ex3-mqtt-discovery', z, broker, 'discovery (retained)', { x: 800, y: 120 }),
      fileSource('ex3-audio', z, {
        name: 'demo clips',
        loop: true,
        autostart: true,
        realtime: true,
        x: 120,
        y: 240,
        wires: [['ex3-features']],
      }),
      ...recognition('ex3', z, { x: 290, y: 240, wires: [['ex3-router']] }),
      // Only the `changed` output: every change also leaves by its emotion's output, and the state is sent once.
      router(
        'ex3-router',
        z,
        { cooldown: 10 },
        {
          x: 420,
          y: 320,
          wires: [[], [], [], [], [], ['ex3-state']],
        },
      ),
      functionNode('ex3-state', z, 'sensor state', state, { x: 620, y: 320, wires: [['ex3-mqtt-state']] }),
      mqttOut('ex3-mqtt-state', z, broker, 'state', { x: 800, y: 320 }),
    ],
    [
      { y: 40, ids: ['ex3-comment'] },
      { y: 100, ids: ['ex3-on-start'] },
      { y: 160, ids: ['ex3-ha-status', 'ex3-ha-online', 'ex3-discovery', 'ex3-mqtt-discovery'] },
      { y: 260, ids: ['ex3-audio', 'ex3-features', 'ex3-infer'] },
      { y: 360, left: 420, ids: ['ex3-router', 'ex3-state', 'ex3-mqtt-state'] },
    ],
  );
}

export const LIGHT_TOPIC = 'zigbee2mqtt/living-room-light/set';
export const WLED_URL = 'http://wled.local/json/state';

// 4. Emotion -> an action: a light's colour per emotion over MQTT, fired by the router
function lightsPerEmotion() {
  const z = 'ex4-tab';
  const broker = 'ex4-broker';
  const colour = [
    '// One colour per emotion; brighter when the router is more sure. Output 1: a zigbee2mqtt',
    '// light over MQTT. Output 2: a WLED light over HTTP (its JSON API).',
    'const colours = {',
    '    anger: [255, 40, 0],',
    '    happiness: [255, 190, 0],',
    '    neutral: [255, 244, 229],',
    '    sadness: [40, 90, 255]',
    '};',
    'const rgb = colours[msg.payload.emotion];',
    'if (!rgb) return null;',
    'const brightness = Math.round(60 + 195 * msg.payload.confidence);',
    'const mqttMsg = {',
    `    topic: '${LIGHT_TOPIC}',`,
    '    payload: { state: "ON", color: { r: rgb[0], g: rgb[1], b: rgb[2] }, brightness, transition: 2 }',
    '};',
    'const httpMsg = { payload: { on: true, bri: brightness, transition: 20, seg: [{ col: [rgb] }] } };',
    'return [mqttMsg, httpMsg];',
  ].join('\n');
  return arrange(
    [
      tab(
        z,
        'Light colour per emotion',
        `Sets a light's colour from the recognised emotion: the emotion router fires one of its four emotion outputs (at most every 10 s per output, after the emotion held for 2 s), a function picks the colour and an MQTT message (zigbee2mqtt format) sets the light. For a light driven over HTTP, enable the disabled http request node (WLED's JSON API at ${WLED_URL}) and set its address.\n\nThe audio comes from ${AUDIO_ENV} (tab properties), the demo clips in a loop by default.`,
        `${DEFAULT_AUDIO}`,
      ),
      comment(
        'ex4-comment',
        z,
        'Emotion → light colour (MQTT or HTTP)',
        `Edit the broker and the topic (${LIGHT_TOPIC}) for an MQTT light, or enable the http request node and set its URL for a WLED light.`,
        210,
        40,
      ),
      { ...MQTT_BROKER, id: broker },
      fileSource('ex4-audio', z, {
        name: 'demo clips',
        loop: true,
        autostart: true,
        realtime: true,
        x: 120,
        y: 120,
        wires: [['ex4-features']],
      }),
      ...recognition('ex4', z, { x: 290, y: 120, wires: [['ex4-router']] }),
      router(
        'ex4-router',
        z,
        { minDwell: 2, cooldown: 10, changedOutput: false },
        {
          x: 420,
          y: 220,
          wires: [['ex4-colour'], ['ex4-colour'], ['ex4-colour'], ['ex4-colour'], []],
        },
      ),
      functionNode('ex4-colour', z, 'colour for emotion', colour, {
        x: 620,
        y: 220,
        outputs: 2,
        wires: [['ex4-mqtt-light'], ['ex4-http-light']],
      }),
      mqttOut('ex4-mqtt-light', z, broker, 'zigbee2mqtt light', { x: 860, y: 200 }),
      {
        id: 'ex4-http-light',
        type: 'http request',
        z,
        d: true,
        name: 'WLED light (enable me)',
        method: 'POST',
        ret: 'obj',
        paytoqs: 'ignore',
        url: WLED_URL,
        tls: '',
        persist: false,
        proxy: '',
        insecureHTTPParser: false,
        authType: '',
        senderr: false,
        headers: [],
        x: 870,
        y: 240,
        wires: [[]],
      },
    ],
    [
      { y: 40, ids: ['ex4-comment'] },
      { y: 120, ids: ['ex4-audio', 'ex4-features', 'ex4-infer'] },
      { y: 220, left: 420, ids: ['ex4-router', 'ex4-colour', 'ex4-mqtt-light'] },
      { y: 280, left: 1020, ids: ['ex4-http-light'] },
    ],
  );
}

// MQTT scale-out: topic layout shared by the edge (05) and worker (06) examples; README "Scale out over MQTT".
export const SCALE_OUT_PREFIX = 'speech-emotion';
export const WORKER_GROUP = 'speech-emotion-workers';
export const WORKER_CLIENT_ID_ENV = 'WORKER_CLIENT_ID';
// Well above a worker's usual latency (p99 under 4 s in the README's benchmark), so that busy workers are not sent duplicates.
export const RESEND_AFTER_S = 10;

function mqttV5Broker(id, name, props = {}) {
  return { ...MQTT_BROKER, id, name, protocolVersion: '5', ...props };
}

function mqttIn(id, z, broker, name, topic, { x, y, wires }) {
  return { id, type: 'mqtt in', z, name, topic, qos: '1', datatype: 'json', broker, nl: false, rap: true, rh: 0, inputs: 0, x, y, wires };
}

// 5. Edge: audio -> features -> per-stream calibration -> MQTT; results back from the workers -> router
function mqttEdge() {
  const z = 'ex5-tab';
  const broker = 'ex5-broker';
  const toTopic = [
    '// One topic per stream; the id is URI-encoded so that "/", "+" and "#" in it stay one topic level.',
    `msg.topic = '${SCALE_OUT_PREFIX}/windows/' + encodeURIComponent(msg.payload.streamId);`,
    'return msg;',
  ].join('\n');
  return arrange(
    [
      tab(
        z,
        'MQTT scale-out: edge',
        `The edge of an MQTT scale-out, next to the microphones: audio, feature windows and each stream's calibration run here; the calibrated windows (a few hundred bytes each, never audio) go to ${SCALE_OUT_PREFIX}/windows/<stream> with QoS 1, where any number of inference workers (example 06) share them. Their results come back on ${SCALE_OUT_PREFIX}/emotion/<stream> to the emotion router here, which ignores duplicate and late results by the window's seq. The results also go back to "calibrate per stream", which re-sends a window whose result has not come back within ${RESEND_AFTER_S} s (a worker that died after receiving it, before publishing its result).\n\nSet the broker in the MQTT config node (MQTT v5). The audio comes from ${AUDIO_ENV} (tab properties), a demo clip looping in real time as a stand-in for a microphone.`,
      ),
      comment(
        'ex5-comment',
        z,
        'Edge: audio → windows over MQTT; emotions back',
        'Needs at least one worker (example 06) on the same broker.',
        200,
        40,
      ),
      fileSource('ex5-audio', z, {
        name: 'microphone stand-in',
        loop: true,
        autostart: true,
        realtime: true,
        x: 0,
        y: 0,
        wires: [['ex5-features']],
      }),
      featureWindowNode({ id: 'ex5-features', z, x: 0, y: 0, wires: [['ex5-calibrate']] }),
      inferNode({
        id: 'ex5-calibrate',
        z,
        name: 'calibrate per stream',
        output: 'normalised-window',
        resendAfter: RESEND_AFTER_S,
        x: 0,
        y: 0,
        wires: [['ex5-to-topic']],
      }),
      functionNode('ex5-to-topic', z, 'window topic', toTopic, { x: 0, y: 0, wires: [['ex5-publish']] }),
      mqttOut('ex5-publish', z, broker, 'publish window', { x: 0, y: 0 }),
      mqttV5Broker(broker, 'edge broker'),
      mqttIn('ex5-results', z, broker, 'results', `${SCALE_OUT_PREFIX}/emotion/+`, {
        x: 0,
        y: 0,
        wires: [['ex5-router', 'ex5-calibrate']],
      }),
      router(
        'ex5-router',
        z,
        { cooldown: 0, dropRepeatedWindows: true },
        { x: 0, y: 0, wires: [[], [], [], [], [], ['ex5-debug-changes']] },
      ),
      debug('ex5-debug-changes', z, 'emotion changes', { x: 0, y: 0 }),
    ],
    [
      { y: 40, ids: ['ex5-comment'] },
      { y: 100, ids: ['ex5-audio', 'ex5-features', 'ex5-calibrate', 'ex5-to-topic', 'ex5-publish'] },
      { y: 200, ids: ['ex5-results', 'ex5-router', 'ex5-debug-changes'] },
    ],
  );
}

// 6. Inference worker: a shared subscription to every stream's windows -> model -> result topic
function mqttWorker() {
  const z = 'ex6-tab';
  const broker = 'ex6-broker';
  const toTopic = [
    "// The result goes to the stream's emotion topic; the window's seq travels in the prediction.",
    "msg.topic = msg.topic.replace(/\\/windows\\/([^/]+)$/, '/emotion/$1');",
    'return msg;',
  ].join('\n');
  return arrange(
    [
      tab(
        z,
        'MQTT scale-out: inference worker',
        `An inference worker: takes calibrated windows from ${SCALE_OUT_PREFIX}/windows/# through the MQTT v5 shared subscription $share/${WORKER_GROUP}/..., so that the broker spreads the windows over every worker, and publishes each result to ${SCALE_OUT_PREFIX}/emotion/<stream>. It keeps no per-stream state: any worker may take any window.\n\nRun as many as needed, each with its own environment variable ${WORKER_CLIENT_ID_ENV} (a stable MQTT client id, e.g. worker-1) and restarted by a supervisor (systemd, Docker) when it dies: its session persists on the broker for an hour, so the windows the broker held for it while it was down are delivered when it returns.`,
      ),
      comment(
        'ex6-comment',
        z,
        'Worker: shared windows → emotion → MQTT',
        `Set ${WORKER_CLIENT_ID_ENV} per worker; the same model as the edge.`,
        200,
        40,
      ),
      mqttV5Broker(broker, 'worker broker', {
        clientid: `\${${WORKER_CLIENT_ID_ENV}}`,
        cleansession: false,
        sessionExpiry: '3600',
      }),
      mqttIn('ex6-windows', z, broker, 'shared windows', `$share/${WORKER_GROUP}/${SCALE_OUT_PREFIX}/windows/#`, {
        x: 0,
        y: 0,
        wires: [['ex6-infer']],
      }),
      inferNode({ id: 'ex6-infer', z, x: 0, y: 0, wires: [['ex6-to-topic']] }),
      functionNode('ex6-to-topic', z, 'emotion topic', toTopic, { x: 0, y: 0, wires: [['ex6-publish']] }),
      mqttOut('ex6-publish', z, broker, 'publish emotion', { x: 0, y: 0 }),
    ],
    [
      { y: 40, ids: ['ex6-comment'] },
      { y: 100, ids: ['ex6-windows', 'ex6-infer', 'ex6-to-topic', 'ex6-publish'] },
    ],
  );
}

export const EXAMPLES = {
  '01 WAV file to debug': wavFileToDebug,
  '02 Microphone to dashboard chart': microphoneToDashboard,
  '03 Home Assistant over MQTT discovery': homeAssistant,
  '04 Light colour per emotion over MQTT or HTTP': lightsPerEmotion,
  '05 MQTT scale-out edge': mqttEdge,
  '06 MQTT scale-out worker': mqttWorker,
};

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  for (const [name, build] of Object.entries(EXAMPLES)) {
    const file = join(PROJECT_ROOT, 'examples', `${name}.json`);
    writeFileSync(file, `${JSON.stringify(build(), null, 4)}\n`);
    console.log(file);
  }
}
