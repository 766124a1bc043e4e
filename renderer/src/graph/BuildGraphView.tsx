import { useEffect, useMemo, useRef, useState } from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  MarkerType,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  useStore,
  type Edge,
  type Node,
  type NodeMouseHandler,
  type Viewport,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { RefObject } from 'react';
import type { BuildGraph, EdgeKind, GraphStage } from '../../../shared/graph';
import { selectStep, useBuilds } from '../store/builds';
import { graphKey, layoutGraph, layoutRuns, STEP_HEIGHT, STEP_WIDTH, type GraphLayout } from './layout';
import { StageNode, type StageNodeType } from './StageNode';
import { StepNode, type StepNodeType } from './StepNode';
import './graph.css';

const nodeTypes = { step: StepNode, stage: StageNode };

const EDGE_COLOR: Record<EdgeKind, string> = {
  order: 'var(--edge-order)',
  'from-stage': 'var(--edge-from)',
  'copy-from': 'var(--edge-copy)',
  'mount-from': 'var(--edge-mount)',
};
const EDGE_LABEL: Record<EdgeKind, string> = { order: '', 'from-stage': 'FROM', 'copy-from': 'COPY --from', 'mount-from': '--mount from' };

function baseLabel(stage: GraphStage, stages: GraphStage[]): string {
  switch (stage.base.kind) {
    case 'image':
      return `FROM ${stage.base.ref}`;
    case 'scratch':
      return 'FROM scratch';
    case 'stage': {
      const index = stage.base.stage;
      const base = stages.find((s) => s.index === index);
      return `FROM stage ${base?.name ?? base?.key ?? index}`;
    }
  }
}

/** Nodes and edges for React Flow: built once per layout, never on state changes. */
function toFlow(layout: GraphLayout): { nodes: Node[]; edges: Edge[] } {
  const stages = layout.stages.map((p) => p.stage);
  const nodes: Node[] = [];
  for (const p of layout.stages) {
    const node: StageNodeType = {
      id: `stage-${p.stage.index}`,
      type: 'stage',
      position: { x: p.x, y: p.y },
      // Known sizes: nothing to measure before fitting, and the minimap can draw them.
      width: p.width,
      height: p.height,
      data: { stage: p.stage, isTarget: p.isTarget, baseLabel: baseLabel(p.stage, stages) },
      draggable: false,
      selectable: false,
      focusable: false,
    };
    nodes.push(node);
  }
  for (const p of layout.steps) {
    const node: StepNodeType = {
      id: p.step.id,
      type: 'step',
      parentId: `stage-${p.step.stage}`,
      extent: 'parent',
      position: { x: p.x, y: p.y },
      width: STEP_WIDTH,
      height: STEP_HEIGHT,
      data: { step: p.step },
      draggable: false,
      selectable: false,
    };
    nodes.push(node);
  }
  const down = layout.direction === 'DOWN';
  const edges: Edge[] = layout.edges.map((e) => {
    const color = EDGE_COLOR[e.kind];
    // Down a stage: bottom to top. Between stages: along the layout's direction (left to right,
    // or top down into a stage's FROM; into a later step from the side).
    const [sourceHandle, targetHandle] = !e.crossStage ? ['b', 't'] : !down ? ['r', 'l'] : e.intoFirst ? ['b', 't'] : ['b', 'l'];
    const edge: Edge = {
      id: e.id,
      source: e.from,
      target: e.to,
      sourceHandle,
      targetHandle,
      type: e.crossStage ? 'default' : 'straight',
      className: `edge-${e.kind}`,
      style: { stroke: color },
      markerEnd: { type: MarkerType.ArrowClosed, color, width: 16, height: 16 },
      focusable: false,
      selectable: false,
    };
    if (e.crossStage && EDGE_LABEL[e.kind]) {
      edge.label = EDGE_LABEL[e.kind];
      edge.labelStyle = { fill: color, fontSize: 10 };
      edge.labelBgStyle = { fill: 'var(--bg)' };
    }
    return edge;
  });
  return { nodes, edges };
}

const FIT = { padding: 0.12, maxZoom: 1.1 };

/**
 * Keeps the graph in view when its area changes size (the step panel opens or closes): refits
 * until the user pans or zooms; after that, only brings the selected step into view.
 */
function KeepInView({ userMoved }: { userMoved: RefObject<boolean> }) {
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  const selected = useBuilds((s) => s.selectedStepId);
  const flow = useReactFlow();
  const first = useRef(true);

  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    if (!userMoved.current && width > 0 && height > 0) void flow.fitView({ ...FIT, duration: 150 });
  }, [width, height, flow, userMoved]);

  useEffect(() => {
    if (!selected || !userMoved.current) return;
    const node = flow.getInternalNode(selected);
    if (!node) return;
    const { x, y } = node.internals.positionAbsolute;
    const w = node.measured.width ?? 0;
    const h = node.measured.height ?? 0;
    const view = flow.getViewport();
    const left = x * view.zoom + view.x;
    const top = y * view.zoom + view.y;
    const visible = left >= 0 && top >= 0 && left + w * view.zoom <= width && top + h * view.zoom <= height;
    if (!visible) void flow.setCenter(x + w / 2, y + h / 2, { zoom: view.zoom, duration: 200 });
  }, [selected, flow, width, height, userMoved]);
  return null;
}

const onNodeClick: NodeMouseHandler = (_event, node) => {
  if (node.type === 'step') selectStep(node.id);
};

/** The build graph: stages as frames, steps in them, live states; pan, zoom, fit. */
export function BuildGraphView({ graph }: { graph: BuildGraph }) {
  const key = useMemo(() => graphKey(graph), [graph]);
  const [layout, setLayout] = useState<GraphLayout | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setError(null);
    layoutGraph(graph).then(
      (result) => live && setLayout(result),
      (err: unknown) => live && setError(err instanceof Error ? err.message : String(err)),
    );
    return () => {
      live = false;
    };
    // The layout depends on the graph's shape only (its key), not on the object.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const flow = useMemo(() => (layout ? toFlow(layout) : null), [layout]);
  const userMoved = useRef(false);
  const moveStart = useRef<Viewport | null>(null);
  useEffect(() => {
    userMoved.current = false;
  }, [key]);

  if (error) return <div className="graph-message error-text">Could not lay out the graph: {error}</div>;
  if (!flow || layout?.key !== key) return <div className="graph-message">Laying out {graph.steps.length} steps…</div>;

  const large = graph.steps.length > 60;
  return (
    <ReactFlowProvider key={key}>
      <ReactFlow
        className="build-graph"
        data-testid="build-graph"
        data-layouts={layoutRuns}
        nodes={flow.nodes}
        edges={flow.edges}
        nodeTypes={nodeTypes}
        onNodeClick={onNodeClick}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        edgesFocusable={false}
        onlyRenderVisibleElements={large}
        fitView
        fitViewOptions={FIT}
        onMoveStart={(event, viewport) => {
          moveStart.current = event ? viewport : null;
        }}
        onMoveEnd={(event, viewport) => {
          // The user's own pans and zooms (programmatic moves have no event; a click moves nothing).
          const from = moveStart.current;
          if (event && from && (from.x !== viewport.x || from.y !== viewport.y || from.zoom !== viewport.zoom)) userMoved.current = true;
        }}
        minZoom={0.05}
        maxZoom={2}
        panOnScroll
        zoomOnPinch
        colorMode="dark"
        proOptions={{ hideAttribution: false }}
      >
        <KeepInView userMoved={userMoved} />
        <Background variant={BackgroundVariant.Dots} gap={22} size={1} color="var(--grid)" />
        <Controls showInteractive={false} position="bottom-left" />
        {large && (
          <MiniMap
            pannable
            zoomable
            position="bottom-right"
            nodeColor={(node) => (node.type === 'stage' ? '#1e2532' : '#4a5568')}
            nodeStrokeColor={(node) => (node.type === 'stage' ? '#3a455a' : 'transparent')}
            nodeStrokeWidth={6}
            bgColor="#11151c"
            maskColor="rgba(76, 141, 255, 0.08)"
            maskStrokeColor="#4c8dff"
            maskStrokeWidth={8}
          />
        )}
      </ReactFlow>
    </ReactFlowProvider>
  );
}
