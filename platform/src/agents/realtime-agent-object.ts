import { DurableObject } from 'cloudflare:workers';

export interface AgentState {
  meetingId: string;
  status: 'initialised' | 'stopped';
  updatedAt: string;
}

/**
 * Realtime Agents groundwork (seed §2.6): one object per meeting keeps whether an agent is attached.
 * The media pipeline itself is future work; this object is what `/api/agents/:meetingId/*` talks to.
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

  private async save(state: AgentState): Promise<AgentState> {
    await this.ctx.storage.put('state', state);
    return state;
  }
}
