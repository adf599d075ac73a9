import { DurableObject } from 'cloudflare:workers';
import { errorAsResponse } from '../http/errors';

export interface AgentState {
  meetingId: string;
  status: 'initialised' | 'stopped';
  updatedAt: string;
}

/**
 * Realtime Agents groundwork (spec §2.6): one object per meeting keeps whether an agent is attached.
 * The media pipeline itself is future work; this object is what `/api/agents/:meetingId/*` talks to, and
 * the routes under `/agentsInternal/:meetingId/` (agents/routes.ts) are forwarded to its `fetch`.
 */
export class RealtimeAgent extends DurableObject {
  async init(meetingId: string): Promise<AgentState> {
    return this.save({ meetingId, status: 'initialised', updatedAt: new Date().toISOString() });
  }

  async deinit(meetingId: string): Promise<AgentState> {
    return this.save({ meetingId, status: 'stopped', updatedAt: new Date().toISOString() });
  }

  async state(): Promise<AgentState | null> {
    return (await this.ctx.storage.get<AgentState>('state')) ?? null;
  }

  /** The internal pipeline surface: today only `GET /state`; an initialised agent is required for anything. */
  override async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const state = await this.state();
    if (state?.status !== 'initialised')
      return errorAsResponse('agent_not_running', 'No agent is running for this meeting.');
    if (request.method === 'GET' && url.pathname === '/state') return Response.json(state);
    return errorAsResponse('not_found', 'The agent pipeline has no such endpoint yet.');
  }

  private async save(state: AgentState): Promise<AgentState> {
    await this.ctx.storage.put('state', state);
    return state;
  }
}
